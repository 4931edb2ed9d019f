-- a second migration with a procedure body (dollar quotes), a Flyway placeholder and a comment containing a ? mark
CREATE TABLE audit (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text NOT NULL);
CREATE PROCEDURE audit_note(n text) LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ${flyway:defaultSchema}.audit (note) VALUES (n); -- who? the caller
END
$$;
