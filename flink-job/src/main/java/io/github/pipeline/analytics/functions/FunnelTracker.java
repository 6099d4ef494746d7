package io.github.pipeline.analytics.functions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Funnel progress of one session. {@code funnel_step} = the largest k such that the session has distinct
 * events e1..ek of steps 1..k with ts(e1) &lt;= ... &lt;= ts(ek).
 *
 * <p>Events are fed in event-time order, one group per distinct timestamp. Greedy matching is optimal for
 * ordered subsequences (matching each step as early as possible never hurts); within a group of equal
 * timestamps any order is allowed, so the group is a multiset and the greedy consumes from it as many
 * consecutive steps as it holds. Hence the result does not depend on arrival order within a timestamp.
 */
public final class FunnelTracker {
    private FunnelTracker() {}

    /**
     * @param reached    steps matched so far (0..steps.size())
     * @param steps      the funnel's event types, in order
     * @param groupTypes the types of all events sharing the next timestamp
     * @return steps matched after this group
     */
    public static int advance(int reached, List<String> steps, List<String> groupTypes) {
        if (reached >= steps.size()) {
            return reached;
        }
        if (groupTypes.size() == 1) { // the common case, no allocation
            return steps.get(reached).equals(groupTypes.get(0)) ? reached + 1 : reached;
        }
        Map<String, Integer> available = new HashMap<>();
        for (String t : groupTypes) {
            available.merge(t, 1, Integer::sum);
        }
        while (reached < steps.size()) {
            String step = steps.get(reached);
            Integer n = available.get(step);
            if (n == null || n == 0) {
                break;
            }
            available.put(step, n - 1);
            reached++;
        }
        return reached;
    }
}
