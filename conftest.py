"""Without the spark extra, the Spark engine module cannot be imported for doctests."""

import importlib.util

collect_ignore = []
if importlib.util.find_spec("pyspark") is None:
    collect_ignore.append("src/unifyprofile/engines/spark.py")
