"""From a score to a plan: the levels an organisation means to reach, and by when."""
