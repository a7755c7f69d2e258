// The installed GDS version (fails when GDS is absent).
RETURN gds.version() AS v
