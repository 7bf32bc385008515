"""Bulk set-up (issue 9): whole menus, product lists and mappings in files, all or nothing.

Front-end neutral: a file arrives as bytes from the front-end's `FileSource` (the terminal reads
a path, Slack a file shared in the channel); these modules read it into the engine's values,
naming every bad row, and write the exports in the shapes the imports read.
"""
