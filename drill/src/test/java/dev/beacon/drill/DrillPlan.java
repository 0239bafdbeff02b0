package dev.beacon.drill;

/**
 * How big a drill is. {@code ci} runs in every {@code ./mvnw verify} and must stay within a few minutes on 2 cores;
 * {@code full} ({@code -Pcluster-drill}) runs more kill rounds and calls, and stops the job with a savepoint halfway
 * and restores it.
 *
 * @param killRounds          rounds of: publish, kill -9 a TaskManager mid-round, publish the rest, recover
 * @param callsPerRound       emergency calls per round
 * @param savepointAfterRound after this kill round: stop with a savepoint, publish a round while no job runs, run
 *                            from the savepoint (0: never)
 */
public record DrillPlan(String name, int killRounds, int callsPerRound, int savepointAfterRound) {

    public static final DrillPlan CI = new DrillPlan("ci", 3, 7, 0);
    public static final DrillPlan FULL = new DrillPlan("full", 6, 12, 3);

    /** From {@code -Dbeacon.drill.plan=ci|full} (the build sets it; {@code -Pcluster-drill} picks full). */
    public static DrillPlan fromSystemProperties() {
        String name = System.getProperty("beacon.drill.plan", "ci");
        return switch (name) {
            case "ci" -> CI;
            case "full" -> FULL;
            default -> throw new IllegalArgumentException("beacon.drill.plan must be ci or full, not " + name);
        };
    }

    public int totalCalls() {
        return callsPerRound * (killRounds + (savepointAfterRound > 0 ? 1 : 0));
    }

    @Override
    public String toString() {
        return name + " (" + killRounds + " kill rounds × " + callsPerRound + " calls"
                + (savepointAfterRound > 0 ? ", savepoint and restore after round " + savepointAfterRound : "")
                + ")";
    }
}
