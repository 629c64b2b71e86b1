"""lianxue's built-in track plugins: the four guidance plans of 德组通〔2016〕18号 and the standing
branch rules of 《中国共产党支部工作条例（试行）》.

Each module is one plugin, registered in the ``lianxue`` entry-point group like any third-party
plugin: ``organs`` (plan 1), ``town`` (plan 2), ``village`` (plan 3: villages and communities),
``two_new`` (plan 4) and ``branch_rules``.
"""
