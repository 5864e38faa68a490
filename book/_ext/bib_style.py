"""Sphinx extension: the bibliography labelled as the text cites, by author and year.

The prose cites author-year ("Nielsen (2015)"), but pybtex's default labels are
alphabetic codes ("[BPRS18]").  This style labels each entry "Nielsen 2015",
"Glorot and Bengio 2010", "Baydin et al. 2018" (an entry whose ``key`` field is set,
such as an unsigned source document, is labelled by that key), and sorts by author,
year, title.
It is selected by ``bibtex_default_style: author_year`` in _config.yml.
"""

from pybtex.plugin import register_plugin
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle


def _surnames(entry):
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    return [" ".join(p.prelast_names + p.last_names) for p in people]


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            names = _surnames(entry)
            if entry.fields.get("key"):   # an entry with no author names its label
                yield str(entry.fields["key"])
                continue
            if len(names) == 1:
                who = names[0]
            elif len(names) == 2:
                who = f"{names[0]} and {names[1]}"
            elif names:
                who = f"{names[0]} et al."
            else:
                who = entry.key
            yield f"{who} {entry.fields.get('year', '')}".strip()


class AuthorYearStyle(UnsrtStyle):
    default_label_style = AuthorYearLabels
    default_sorting_style = "author_year_title"


def setup(app):
    register_plugin("pybtex.style.formatting", "author_year", AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
