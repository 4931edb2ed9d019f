package dev.loomwire.redis;

/** Builds the argument arrays of commands whose keys or values come as varargs. */
final class CommandArgs {
    private CommandArgs() {}

    /** {@code command, rest...} */
    static Object[] prepend(String command, Object... rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = command;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** {@code command, key, rest...} */
    static Object[] prepend(String command, Object key, Object... rest) {
        Object[] all = new Object[rest.length + 2];
        all[0] = command;
        all[1] = key;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }
}
