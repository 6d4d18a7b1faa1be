"""Engines: schedule the pipeline's stages; they never decide matches themselves.

The local engine is :class:`~unifyprofile.Resolver` itself (pandas on this machine).
:mod:`unifyprofile.engines.spark` runs the same stages on Spark; it needs the
``unifyprofile[spark]`` extra and is imported only when ``engine="spark"`` is asked for.
"""
