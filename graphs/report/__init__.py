"""The run report: ``report.json`` and a self-contained ``report.html`` with plots (``report``, ``html``,
``plots``, ``text`` for corpora). The full report is for the data owner; see :mod:`privsynth.graphs.shareable`
for what may leave the team.
"""
