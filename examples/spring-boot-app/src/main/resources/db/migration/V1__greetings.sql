-- Flyway migration, run at start-up through the loomwire DataSource (spring.datasource.url)
CREATE TABLE greetings (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
