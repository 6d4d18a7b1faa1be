"""An offline HTML report of a run: one self-contained file (style sheet and charts
inline as SVG, no script, nothing loaded from the network) with the inputs, blocking,
the model, scores, clusters, golden profiles, waterfalls of single pairs and, given a
truth file, precision and recall.

``unifyprofile report OUT_DIR [--truth FILE] [-o report.html]`` or
:meth:`Result.report <unifyprofile.Result.report>`.

Examples:
    >>> import pandas as pd, unifyprofile as up
    >>> people = pd.DataFrame({"id": ["1", "2", "3"], "first": ["Ann", "Ann", "Bo"],
    ...     "last": ["Lee", "Lee", "Ng"], "city": ["Leeds", "Leeds", "York"]})
    >>> source = up.Source("crm", data=people, id_column="id",
    ...     columns={"first_name": "first", "last_name": "last", "city": "city"})
    >>> result = up.Resolver(up.Config(sources=(source,))).run()
    >>> text = render(result)
    >>> all(f'<section id="{s}">' in text for s in SECTIONS), "<script" in text
    (True, False)
"""

from unifyprofile.report._build import SECTIONS, TRUTH_SECTION, read_run, render, write_report
from unifyprofile.report._evidence import TRUTH_LABELS, read_truth
from unifyprofile.report._sections import PERSONAL_FIELDS, shown_values

__all__ = ["PERSONAL_FIELDS", "SECTIONS", "TRUTH_LABELS", "TRUTH_SECTION", "read_run",
           "read_truth", "render", "shown_values", "write_report"]
