// Number of GDS procedures and functions available.
CALL gds.list() YIELD name
RETURN count(*) AS n
