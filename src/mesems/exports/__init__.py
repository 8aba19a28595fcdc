"""Flat exports, CDISC ODM, SDTM and define.xml.

Nothing is imported here, so `mesems.exports.tables` (the table contract the simulator and the
analysis read) stays cheap to import. The entry points:
- `tableset.read_tables` (a simulator CSV directory), `tableset.TrialTables.from_frames` (tables
  dumped from the database, or any in-memory source), `odm.reader.read_odm` (an ODM file): all
  give checked `TrialTables`; `tableset.blind` removes allocation;
- `flat.write_flat`, `odm.writer.write_odm`, `sdtm.writer.write_sdtm`: the exports;
- `access.require_export_access(role, unblinded=...)`: refuses an unblinded export to a blinded role.
"""
