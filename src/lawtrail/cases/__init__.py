"""Cases, parties, complaints and the procedures' steps."""
