"""The run report: ``report.json`` and a self-contained ``report.html`` with plots.

``report`` builds it, ``html`` and ``plots`` draw it, ``text`` adds the corpus sections. The full report is
for the data owner; :mod:`privsynth.graphs.shareable` writes what may leave the team.
"""
