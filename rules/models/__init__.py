"""The request and analysis shapes: the seed's contract, field for field, plus additions."""
