"""Reports: one model (model.py, build.py) rendered by the report view, the PDF and the CSVs."""
