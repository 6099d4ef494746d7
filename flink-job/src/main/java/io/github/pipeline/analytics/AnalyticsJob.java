package io.github.pipeline.analytics;

import io.github.pipeline.analytics.config.JobConfig;
import io.github.pipeline.analytics.functions.ConversionFunction;
import io.github.pipeline.analytics.functions.DeduplicateOperator;
import io.github.pipeline.analytics.functions.EventsPerTypeFunction;
import io.github.pipeline.analytics.functions.LocalWindowCountOperator;
import io.github.pipeline.analytics.functions.PageViewsFunction;
import io.github.pipeline.analytics.functions.RouteInvalidFunction;
import io.github.pipeline.analytics.functions.SessionizeOperator;
import io.github.pipeline.analytics.functions.UniqueUsersPerPageFunction;
import io.github.pipeline.analytics.model.CleanEvent;
import io.github.pipeline.analytics.model.ConversionRecord;
import io.github.pipeline.analytics.model.DeadLetter;
import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.EventsPerTypeRecord;
import io.github.pipeline.analytics.model.LateEvent;
import io.github.pipeline.analytics.model.OutputRecord;
import io.github.pipeline.analytics.model.PageViewsRecord;
import io.github.pipeline.analytics.model.ParsedRecord;
import io.github.pipeline.analytics.model.SessionRecord;
import io.github.pipeline.analytics.model.UniqueUsersRecord;
import io.github.pipeline.analytics.model.UserDayRecord;
import io.github.pipeline.analytics.model.Utf8StringTypeInfo;
import io.github.pipeline.analytics.model.WindowCount;
import io.github.pipeline.analytics.sinks.Output;
import io.github.pipeline.analytics.sinks.OutputSinks;
import io.github.pipeline.analytics.watermarks.IdleFlushWatermarkStrategy;
import io.github.pipeline.analytics.watermarks.WallClock;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Wires the dataflow graph; nothing else. Source and sinks are passed in so tests can use their own.
 *
 * <pre>
 * source (parse once, per-partition idle-flush watermarks)
 *   -> route-invalid ------------------------------------------------> dead letters
 *   -> keyBy(event_id) deduplicate-late (first copy wins, then late?) -> late events
 *        -> count locally -> keyBy(minute|type) events-per-type
 *        -> page_view only: count locally -> keyBy(minute|page) page-views
 *                           keyBy(minute|page) unique-users-per-page
 *        -> page_view/purchase: keyBy(minute) conversion
 *        -> keyBy(user) sessions-and-days (event-time order) -> clean events, sessions,
 *                                                                user days (retention input)
 * </pre>
 */
public final class AnalyticsJob {
    public static final String SOURCE_UID = "source-raw-events";
    private static final TypeInformation<WindowCount> WINDOW_COUNT = TypeInformation.of(WindowCount.class);

    private AnalyticsJob() {}

    /** Builds the graph with the production watermark strategy (system clock). */
    public static void build(StreamExecutionEnvironment env, JobConfig config,
                             Source<ParsedRecord, ?, ?> source, OutputSinks sinks) {
        build(env, config, source,
                new IdleFlushWatermarkStrategy(config, WallClock.SYSTEM), sinks);
    }

    public static void build(StreamExecutionEnvironment env, JobConfig config, Source<ParsedRecord, ?, ?> source,
                             WatermarkStrategy<ParsedRecord> watermarks, OutputSinks sinks) {
        long interval = config.provisionalIntervalMs;
        // Chained operators hand records over without a defensive copy. Safe here: every function emits
        // fresh objects and none modifies its input or keeps it beyond the call, except SessionizeOperator,
        // which keeps events in state but is fed through a keyBy (records from the network are always new).
        env.getConfig().enableObjectReuse();

        DataStream<ParsedRecord> raw = env.fromSource(source, watermarks, "Raw events: " + config.rawTopic)
                .uid(SOURCE_UID);

        SingleOutputStreamOperator<Event> valid = raw
                .process(new RouteInvalidFunction())
                .uid("route-invalid").name("Route invalid records to dead letters");

        // Every keyed state is keyed with a String type whose serializer writes a key in one call
        // (Utf8StringTypeInfo): RocksDB serializes the key of every record, a heap checkpoint every key.
        SingleOutputStreamOperator<Event> onTime = valid
                .keyBy(e -> e.eventId, Utf8StringTypeInfo.INSTANCE)
                .transform("De-duplicate by event_id, split off late events", TypeInformation.of(Event.class),
                        new DeduplicateOperator(config.dedupTtlMs))
                .uid("deduplicate-late");

        // Plain counts are summed locally first, so the shuffle carries partial counts, not every event.
        SingleOutputStreamOperator<EventsPerTypeRecord> eventsPerType = onTime
                .transform("Count events per type locally", WINDOW_COUNT,
                        new LocalWindowCountOperator(EventsPerTypeFunction::keyOf, config.localAggregationMs))
                .uid("local-events-per-type")
                .keyBy(c -> c.key, Utf8StringTypeInfo.INSTANCE)
                .process(new EventsPerTypeFunction(interval))
                .uid("events-per-type").name("Events per type (1 min)");

        SingleOutputStreamOperator<Event> pageViewEvents = onTime
                .filter(e -> ConversionFunction.PAGE_VIEW.equals(e.type))
                .uid("filter-page-views").name("page_view events");

        SingleOutputStreamOperator<PageViewsRecord> pageViews = pageViewEvents
                .transform("Count page views locally", WINDOW_COUNT,
                        new LocalWindowCountOperator(PageViewsFunction::keyOf, config.localAggregationMs))
                .uid("local-page-views")
                .keyBy(c -> c.key, Utf8StringTypeInfo.INSTANCE)
                .process(new PageViewsFunction(interval))
                .uid("page-views").name("Page views (1 min)");

        SingleOutputStreamOperator<UniqueUsersRecord> uniqueUsers = pageViewEvents
                .keyBy(UniqueUsersPerPageFunction::keyOf, Utf8StringTypeInfo.INSTANCE)
                .process(new UniqueUsersPerPageFunction(interval))
                .uid("unique-users-per-page").name("Unique users per page (1 min)");

        SingleOutputStreamOperator<ConversionRecord> conversion = onTime
                .filter(ConversionFunction::relevant)
                .uid("filter-conversion").name("page_view and purchase events")
                .keyBy(ConversionFunction::keyOf, Utf8StringTypeInfo.INSTANCE)
                .process(new ConversionFunction(interval))
                .uid("conversion").name("Conversion (1 min)");

        SingleOutputStreamOperator<CleanEvent> clean = onTime
                .keyBy(e -> e.userId, Utf8StringTypeInfo.INSTANCE)
                .transform("Sessions and user days in event-time order", TypeInformation.of(CleanEvent.class),
                        new SessionizeOperator(config.sessionGapMs, config.funnelSteps, interval))
                .uid("sessions-and-days");

        DataStream<SessionRecord> sessions = clean.getSideOutput(SessionizeOperator.SESSIONS);
        // User days come from the sessionizer, which holds the same per-user state (one lookup per event).
        DataStream<UserDayRecord> userDays = clean.getSideOutput(SessionizeOperator.USER_DAYS);

        DataStream<LateEvent> late = onTime.getSideOutput(DeduplicateOperator.LATE);
        DataStream<DeadLetter> deadLetters = valid.getSideOutput(RouteInvalidFunction.DEAD_LETTERS);

        sink(clean, Output.EVENTS, sinks, config);
        sink(eventsPerType, Output.EVENTS_PER_TYPE, sinks, config);
        sink(pageViews, Output.PAGE_VIEWS, sinks, config);
        sink(uniqueUsers, Output.UNIQUE_USERS_PER_PAGE, sinks, config);
        sink(conversion, Output.CONVERSION, sinks, config);
        sink(sessions, Output.SESSIONS, sinks, config);
        sink(userDays, Output.USER_DAYS, sinks, config);
        sink(late, Output.LATE, sinks, config);
        sink(deadLetters, Output.DEADLETTER, sinks, config);
    }

    private static <T extends OutputRecord> void sink(DataStream<T> stream, Output output, OutputSinks sinks,
                                                      JobConfig config) {
        stream.sinkTo(sinks.<T>sink(output))
                .uid("sink-" + output.id())
                .name("Sink: " + output.topic(config));
    }
}
