package sockets.exercise;

/**
 * What an exercise stub throws until the learner writes it. The stage runner reports it as "not
 * written yet", and the build checks that an untouched stub fails every stage with it, not with a
 * timeout or a port clash.
 */
public final class NotWrittenYet extends UnsupportedOperationException {

    public NotWrittenYet(String what) {
        super("not written yet: " + what);
    }

    /** True if {@code failure} or one of its causes is a {@link NotWrittenYet}. */
    public static boolean isIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NotWrittenYet) {
                return true;
            }
        }
        return false;
    }
}
