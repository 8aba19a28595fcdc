"""Flat exports, CDISC ODM, SDTM and define.xml."""
