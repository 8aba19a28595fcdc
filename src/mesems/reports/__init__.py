"""HTML/PDF reports, the CONSORT diagram and figures."""
