"""CDISC ODM 1.3.2: export of study metadata and clinical data with audit records, and import back."""
