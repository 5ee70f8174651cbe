"""Course machinery: exercise checks, widgets, notebook building, the chapter table, environment and offline guards.

Teaching code never imports this package.
"""
