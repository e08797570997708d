"""Identifier and name primitives the identity and cross-checks call: NIK and No. KK rules,
the region table, the Indonesian name matcher and birth-place normalisation. Pure code."""
