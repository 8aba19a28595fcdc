"""SDTM datasets (SAS transport v5) and define.xml 2.0 from the flat tables."""
