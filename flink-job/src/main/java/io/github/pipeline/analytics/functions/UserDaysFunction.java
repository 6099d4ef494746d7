package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.CleanEvent;
import io.github.pipeline.analytics.model.UserDayRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by user_id, fed with {@link SessionizeOperator}'s output, i.e. each user's events in event-time
 * order. Keeps the user's first day (UTC day of the earliest event ever: the first one seen, hence final)
 * and counts events per UTC day. A day publishes provisional values while it changes ({@link ProvisionalThrottle})
 * and is final when the
 * user's next day starts or the watermark passes the day's end.
 *
 * <p>The first day is kept per user for good: retention needs it.
 */
public class UserDaysFunction extends KeyedProcessFunction<String, CleanEvent, UserDayRecord> {
    private static final long serialVersionUID = 1L;
    private final long provisionalIntervalMs;
    private transient ValueState<UserDaysState> state;

    public UserDaysFunction(long provisionalIntervalMs) {
        this.provisionalIntervalMs = provisionalIntervalMs;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("user-days",
                TypeInformation.of(UserDaysState.class)));
    }

    @Override
    public void processElement(CleanEvent event, Context ctx, Collector<UserDayRecord> out) throws Exception {
        long day = TimeBuckets.dayStart(event.tsMs);
        UserDaysState u = state.value();
        if (u == null) {
            u = new UserDaysState();
            u.firstDay = day;
        }
        long first = u.firstDay;
        long now = ctx.timerService().currentProcessingTime();
        DayState d = u.current;
        if (d != null && d.day != day) {
            finish(ctx.getCurrentKey(), d, first, now, out, ctx.timerService());
            ctx.timerService().deleteEventTimeTimer(d.day + TimeBuckets.DAY_MS - 1);
            d = null;
        }
        if (d == null) {
            d = new DayState();
            d.day = day;
            ctx.timerService().registerEventTimeTimer(day + TimeBuckets.DAY_MS - 1);
        }
        d.events++;
        d.dirty = true;
        long when = ProvisionalThrottle.onChange(d.timer, d.quietUntil, now);
        if (when == ProvisionalThrottle.NOW) {
            emit(ctx.getCurrentKey(), d, first, now, out);
        } else if (when != ProvisionalThrottle.PENDING) {
            d.timer = when;
            ctx.timerService().registerProcessingTimeTimer(when);
        }
        u.current = d;
        state.update(u);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserDayRecord> out) throws Exception {
        UserDaysState u = state.value();
        DayState d = u == null ? null : u.current;
        if (d == null) {
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        long first = u.firstDay;
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            finish(ctx.getCurrentKey(), d, first, now, out, ctx.timerService());
            u.current = null;
        } else {
            d.timer = 0;
            if (d.dirty) {
                emit(ctx.getCurrentKey(), d, first, now, out);
            }
        }
        state.update(u);
    }

    private void finish(String userId, DayState d, long first, long now, Collector<UserDayRecord> out,
                        org.apache.flink.streaming.api.TimerService timers) {
        if (d.dirty) {
            emit(userId, d, first, now, out);
        }
        if (d.timer != 0) {
            timers.deleteProcessingTimeTimer(d.timer);
            d.timer = 0;
        }
    }

    private void emit(String userId, DayState d, long first, long now, Collector<UserDayRecord> out) {
        d.version = Versions.next(d.version, now);
        d.dirty = false;
        d.quietUntil = ProvisionalThrottle.published(now, provisionalIntervalMs);
        out.collect(new UserDayRecord(userId, d.day, first, d.events, d.version));
    }
}
