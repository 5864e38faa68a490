# IPython kernel configuration that `make venv` installs into .venv/etc/ipython/.
# Figures are drawn as "retina" PNGs: twice the pixels, shown at the same size, so the
# PDF edition prints them sharply while the website lays them out as before.
c = get_config()  # noqa: F821  (defined by IPython when it reads this file)
c.InlineBackend.figure_formats = {"retina"}
