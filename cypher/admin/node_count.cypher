// Number of nodes in the database.
MATCH (n)
RETURN count(n) AS n
