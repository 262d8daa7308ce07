"""`tne report`: what was done with the TNE's money and equipment, for a project, a school, a
call or the department, with small counts of pupils protected.

`request` checks what is asked, `build` aggregates in SQL, `suppression` protects the counts,
`tables` titles them, `render` writes CSV, JSON, HTML and PDF (`charts` draws for the last two).
"""
