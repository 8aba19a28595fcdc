"""Clinical rules: EDSS steps, relapses, confirmed progression, AE periods, SAE clocks."""
