"""The command line's sub-commands that have a module of their own: argument parsing, output and exit
codes over the application layer (:mod:`lianxue_core.app`)."""
