"""Convolution, pooling and the ConvNet: shapes, adjointness, autograd, central
differences and clear errors.

Every shape below is unequal where a transposed or swapped axis could hide
(C_in != C_out, H != W, non-square kernels), strides 1 to 3, paddings 0 to 2, and
sizes a stride does not divide.  PyTorch (``make torch``) is the independent engine
for the cross-check; without it those tests skip (and fail under CI).
"""

import numpy as np
import pytest

import handprop as hp

CASES = [  # (N, C_in, H, W), (C_out, kH, kW), stride, padding
    ((2, 3, 7, 9), (4, 3, 2), 1, 0),
    ((1, 2, 8, 6), (3, 2, 3), 2, 1),
    ((3, 1, 10, 7), (2, 3, 3), 3, 2),
    ((2, 2, 6, 11), (5, 1, 4), 2, 0),  # 11 - 4 = 7: stride 2 leaves a column out
    ((1, 3, 5, 5), (2, 5, 5), 1, 2),
    ((2, 1, 9, 8), (3, 4, 2), 3, 1),
]


def case_arrays(shape, kernel, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    C_out, kH, kW = kernel
    X = rng.normal(size=shape).astype(dtype)
    W = rng.normal(size=(C_out, shape[1], kH, kW)).astype(dtype)
    b = rng.normal(size=C_out).astype(dtype)
    return X, W, b


def conv_by_loops(X, W, b, stride, padding):
    """The definition, one index at a time: an independent computation."""
    N, C, H, Wd = X.shape
    C_out, _, kH, kW = W.shape
    Xp = np.zeros((N, C, H + 2 * padding, Wd + 2 * padding))
    Xp[:, :, padding:padding + H, padding:padding + Wd] = X
    H_out = (H + 2 * padding - kH) // stride + 1
    W_out = (Wd + 2 * padding - kW) // stride + 1
    Z = np.zeros((N, C_out, H_out, W_out))
    for n in range(N):
        for o in range(C_out):
            for u in range(H_out):
                for v in range(W_out):
                    total = b[o]
                    for c in range(C):
                        for i in range(kH):
                            for j in range(kW):
                                total += W[o, c, i, j] * Xp[n, c, stride * u + i,
                                                            stride * v + j]
                    Z[n, o, u, v] = total
    return Z


@pytest.mark.parametrize("shape, kernel, stride, padding", CASES)
def test_conv2d_is_the_definition_written_as_loops(shape, kernel, stride, padding):
    X, W, b = case_arrays(shape, kernel)
    Z = hp.conv2d(X, W, b, stride=stride, padding=padding)
    np.testing.assert_allclose(Z, conv_by_loops(X, W, b, stride, padding), rtol=1e-12,
                               atol=1e-12)
    assert Z.shape[2] == hp.conv_output_size(shape[2], kernel[1], stride, padding)


@pytest.mark.parametrize("shape, kernel, stride, padding", CASES)
def test_col2im_is_the_adjoint_of_im2col(shape, kernel, stride, padding):
    """<im2col(x), y> = <x, col2im(y)> for random x, y: the usual col2im bug (assign
    where overlapping windows must add) fails this whenever windows overlap."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=shape)
    cols = hp.im2col(x, kernel[1:], stride, padding)
    y = rng.normal(size=cols.shape)
    left = np.sum(cols * y)
    right = np.sum(x * hp.col2im(y, shape, kernel[1:], stride, padding))
    assert left == pytest.approx(right, rel=1e-12)


def test_col2im_is_not_the_inverse_of_im2col():
    x = np.random.default_rng(2).normal(size=(1, 1, 5, 6))
    back = hp.col2im(hp.im2col(x, (3, 3)), x.shape, (3, 3))
    # each pixel comes back once per window that holds it: 9 times in the middle
    counts = hp.col2im(hp.im2col(np.ones_like(x), (3, 3)), x.shape, (3, 3))
    np.testing.assert_allclose(back, counts * x)
    assert counts[0, 0, 2, 2] == 9 and counts[0, 0, 0, 0] == 1
    assert not np.allclose(back, x)


def numeric(f, A, eps=1e-6):
    g = np.zeros_like(A)
    for idx in np.ndindex(*A.shape):
        old = A[idx]
        A[idx] = old + eps
        up = f()
        A[idx] = old - eps
        down = f()
        A[idx] = old
        g[idx] = (up - down) / (2 * eps)
    return g


@pytest.mark.parametrize("shape, kernel, stride, padding", CASES[:4])
def test_conv2d_gradients_against_central_differences(shape, kernel, stride, padding):
    X, W, b = case_arrays(shape, kernel, seed=3)
    Z = hp.conv2d(X, W, b, stride, padding)
    R = np.random.default_rng(4).normal(size=Z.shape)   # L = sum(R * Z)

    def L():
        return float(np.sum(R * hp.conv2d(X, W, b, stride, padding)))

    dX, dW, db = hp.conv2d_gradients(X, W, R, stride, padding)
    for got, array in ((dX, X), (dW, W), (db, b)):
        assert got.shape == array.shape
        assert hp.relative_error(got, numeric(L, array)) < 1e-8


def test_rows_no_window_reaches_get_zero_gradient():
    X, W, b = case_arrays((1, 1, 6, 8), (1, 2, 2))
    dX, _, _ = hp.conv2d_gradients(X, W, np.ones((1, 1, 2, 3)), stride=3)
    # windows start at rows 0, 3 and columns 0, 3, 6: row 2 and 5, column 2 and 5 are
    # never read
    assert np.all(dX[0, 0, [2, 5], :] == 0) and np.all(dX[0, 0, :, [2, 5]] == 0)
    assert np.all(dX[0, 0, 0, [0, 1, 3, 4, 6, 7]] != 0)


def test_max_pool_gradient_goes_to_the_maximum_and_ties_to_the_first():
    X = np.array([[[[1.0, 5.0, 2.0, 2.0],
                    [3.0, 4.0, 2.0, 2.0],
                    [0.0, 0.0, 7.0, 1.0]]]])   # 3 x 4: the last row is in no window
    Y = hp.max_pool2d(X, 2)
    np.testing.assert_array_equal(Y, [[[[5.0, 2.0]]]])
    dX = hp.max_pool2d_gradient(X, np.array([[[[10.0, 20.0]]]]), 2)
    expected = np.zeros_like(X)
    expected[0, 0, 0, 1] = 10.0      # the window's maximum
    expected[0, 0, 0, 2] = 20.0      # a tie of four 2s: the first in reading order
    np.testing.assert_array_equal(dX, expected)


@pytest.mark.parametrize("size, stride", [(2, None), (3, 2), (2, 1), (3, 3)])
def test_pooling_gradients_against_central_differences(size, stride):
    """Random continuous inputs have no ties, so max pooling is differentiable there."""
    X = np.random.default_rng(5).normal(size=(2, 3, 7, 8))
    for pool, gradient in ((hp.max_pool2d, hp.max_pool2d_gradient),
                           (hp.avg_pool2d, hp.avg_pool2d_gradient)):
        R = np.random.default_rng(6).normal(size=pool(X, size, stride).shape)

        def L():
            return float(np.sum(R * pool(X, size, stride)))

        got = gradient(X, R, size, stride)
        assert hp.relative_error(got, numeric(L, X)) < 1e-8, pool.__name__


def small_convnet(seed=0, channels=3):
    """Unequal sizes everywhere: 3 kernels of 3 x 3 on 2 x 8 x 10 images (or two
    blocks of 3 and 2 kernels on 2 x 14 x 16), 5 hidden units, 4 classes; random
    biases keep ReLU's inputs off their kink at 0."""
    image = (2, 8, 10) if np.ndim(channels) == 0 else (2, 14, 16)
    net = hp.ConvNet(channels=channels, kernel_size=3, n_hidden=5, image_shape=image,
                     num_classes=4, seed=seed, dtype=np.float64)
    rng = np.random.default_rng(seed + 10)
    net.params = [(W, rng.normal(0, 0.3, size=b.shape)) for W, b in net.params]
    X = rng.normal(size=(3, *image))
    y = np.array([0, 3, 1])
    return net, X, y


@pytest.mark.parametrize("channels", [3, (3, 2)])
def test_convnet_gradients_against_central_differences(channels):
    net, X, y = small_convnet(channels=channels)
    expected = ([(3, 2, 3, 3), (3 * 3 * 4, 5), (5, 4)] if channels == 3 else
                [(3, 2, 3, 3), (2, 3, 3, 3), (2 * 2 * 2, 5), (5, 4)])
    assert [W.shape for W, _ in net.params] == expected
    assert hp.max_relative_error(net, X, y) < 1e-7


def test_convnet_gradient_check_catches_a_wrong_pooling_gradient(monkeypatch):
    """Routing every window's gradient to its first entry instead of its maximum: the
    network still trains, and the check still sees the bug."""
    import handprop.convnet as convnet

    def first_entry(X, dY, size=2, stride=None, Y=None):
        dX = np.zeros_like(X)
        dX[:, :, ::size, ::size][:, :, :dY.shape[2], :dY.shape[3]] = dY
        return dX

    monkeypatch.setattr(convnet, "max_pool2d_gradient", first_entry)
    net, X, y = small_convnet()
    assert hp.max_relative_error(net, X, y) > 1e-2


def test_convnet_trains_with_the_books_loop_and_evaluates():
    net, X, y = small_convnet(seed=1)
    X = np.repeat(X, 4, axis=0)
    y = np.repeat(y, 4)
    history = hp.train(net, X, y, epochs=5, batch_size=4, lr=0.1, verbose=False)
    assert history.step_loss[-1] < history.step_loss[0]
    loss, acc = hp.evaluate(net, X, y)
    assert loss == pytest.approx(net.loss(X, y)) and 0 <= acc <= 1
    assert net.predict(X).shape == (12,)


def test_the_default_convnet_is_the_chapters_network():
    net = hp.ConvNet()
    shapes = [(W.shape, b.shape) for W, b in net.params]
    assert shapes == [((20, 1, 5, 5), (20,)), ((40, 20, 5, 5), (40,)),
                      ((40 * 4 * 4, 100), (100,)), ((100, 10), (10,))]
    assert net.dtype == np.float32
    np.testing.assert_array_equal(net.params[0][0], hp.ConvNet().params[0][0])  # seeded
    X = np.zeros((2, 1, 28, 28), dtype=np.float32)
    assert net.forward(X).shape == (2, 10)


@pytest.mark.parametrize("call, message", [
    (lambda: hp.conv2d(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 5, 5)), np.zeros(1)),
     r"kernel of 5 does not fit an input of 4 with padding 0.*pad by at least 1"),
    (lambda: hp.conv2d(np.zeros((1, 1, 6, 6)), np.zeros((1, 1, 3, 3)), np.zeros(1),
                       stride=0), "stride must be at least 1"),
    (lambda: hp.conv2d(np.zeros((1, 2, 6, 6)), np.zeros((1, 3, 3, 3)), np.zeros(1)),
     r"expects 3 input channels but X has 2"),
    (lambda: hp.conv2d(np.zeros((6, 6)), np.zeros((1, 1, 3, 3)), np.zeros(1)),
     r"X must have shape \(N, C, H, W\)"),
    (lambda: hp.conv2d(np.zeros((1, 1, 6, 6)), np.zeros((2, 1, 3, 3)), np.zeros(3)),
     "one bias per output channel"),
    (lambda: hp.max_pool2d(np.zeros((1, 1, 3, 5)), 4), r"window of 4 x 4 does not fit"),
    (lambda: hp.conv_output_size(8, 0), "kernel must be"),
    (lambda: hp.conv_output_size(8, 2.5), "kernel must be"),
    (lambda: hp.ConvNet().loss_and_gradients(np.zeros((2, 784)), [0, 1]),
     r"not flat rows.*X.reshape\(-1, 1, 28, 28\)"),
    (lambda: hp.ConvNet().predict(np.zeros((2, 1, 28, 27))), r"expected X of shape"),
    (lambda: hp.ConvNet().loss(np.zeros((2, 1, 28, 28)), [0, 10]), r"labels in \[0, 9\]"),
])
def test_bad_input_is_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("shape, kernel, stride, padding", CASES[:3])
def test_kept_patches_and_pooled_maps_give_the_same_results(shape, kernel, stride,
                                                            padding):
    """A network passes the forward pass's im2col(X) and max_pool2d(X) back in; the
    results must be those computed from X alone, and a wrong shape is refused."""
    X, W, b = case_arrays(shape, kernel)
    P = hp.im2col(X, kernel[1:], stride, padding)
    Z = hp.conv2d(X, W, b, stride, padding)
    np.testing.assert_array_equal(hp.conv2d(X, W, b, stride, padding, patches=P), Z)
    dZ = np.random.default_rng(1).normal(size=Z.shape)
    for kept, fresh in zip(hp.conv2d_gradients(X, W, dZ, stride, padding, patches=P),
                           hp.conv2d_gradients(X, W, dZ, stride, padding)):
        np.testing.assert_array_equal(kept, fresh)
    with pytest.raises(ValueError, match="patches must be im2col"):
        hp.conv2d(X, W, b, stride, padding, patches=P[1:])
    Y = hp.max_pool2d(X, 2, 1)
    dY = np.random.default_rng(2).normal(size=Y.shape)
    np.testing.assert_array_equal(hp.max_pool2d_gradient(X, dY, 2, 1, Y=Y),
                                  hp.max_pool2d_gradient(X, dY, 2, 1))
    with pytest.raises(ValueError, match="shape of the pooled output"):
        hp.max_pool2d_gradient(X, dY, 2, 1, Y=Y[..., :-1])


def test_convnet_logits_in_chunks_are_the_whole_batch_logits():
    """logits (and so evaluate and predict) run ``chunk`` images at a time; the rows
    are those of one forward pass over the whole batch, and an empty batch gives no
    rows."""
    net, X, y = small_convnet(channels=(3, 2))
    X = np.concatenate([X] * 3)
    whole = net.forward_cache(X)["Z_o"]
    net.chunk = 2
    np.testing.assert_allclose(net.logits(X), whole, rtol=1e-12, atol=1e-14)
    assert net.logits(X[:0]).shape == (0, 4) and net.predict(X[:0]).shape == (0,)
