// The loads a dump holds, for its manifest: each Source with its files and checksum.
MATCH (s:Source)
RETURN s.id AS id, s.name AS source, s.release AS release, s.files AS files,
       s.sha256 AS sha256
ORDER BY id
