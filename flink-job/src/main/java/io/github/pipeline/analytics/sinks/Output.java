package io.github.pipeline.analytics.sinks;

import io.github.pipeline.analytics.config.JobConfig;
import io.github.pipeline.analytics.model.CleanEvent;
import io.github.pipeline.analytics.model.ConversionRecord;
import io.github.pipeline.analytics.model.DeadLetter;
import io.github.pipeline.analytics.model.EventsPerTypeRecord;
import io.github.pipeline.analytics.model.LateEvent;
import io.github.pipeline.analytics.model.OutputRecord;
import io.github.pipeline.analytics.model.PageViewsRecord;
import io.github.pipeline.analytics.model.SessionRecord;
import io.github.pipeline.analytics.model.UniqueUsersRecord;
import io.github.pipeline.analytics.model.UserDayRecord;

/** The job's outputs, each with its record type and topic setting. */
public enum Output {
    EVENTS(CleanEvent.class),
    EVENTS_PER_TYPE(EventsPerTypeRecord.class),
    PAGE_VIEWS(PageViewsRecord.class),
    UNIQUE_USERS_PER_PAGE(UniqueUsersRecord.class),
    CONVERSION(ConversionRecord.class),
    SESSIONS(SessionRecord.class),
    USER_DAYS(UserDayRecord.class),
    LATE(LateEvent.class),
    DEADLETTER(DeadLetter.class);

    public final Class<? extends OutputRecord> type;

    Output(Class<? extends OutputRecord> type) {
        this.type = type;
    }

    /** Stable id for uids and names, e.g. "events-per-type". */
    public String id() {
        return name().toLowerCase().replace('_', '-');
    }

    public String topic(JobConfig c) {
        switch (this) {
            case EVENTS: return c.eventsTopic;
            case EVENTS_PER_TYPE: return c.eventsPerTypeTopic;
            case PAGE_VIEWS: return c.pageViewsTopic;
            case UNIQUE_USERS_PER_PAGE: return c.uniqueUsersTopic;
            case CONVERSION: return c.conversionTopic;
            case SESSIONS: return c.sessionsTopic;
            case USER_DAYS: return c.userDaysTopic;
            case LATE: return c.lateTopic;
            case DEADLETTER: return c.deadletterTopic;
            default: throw new IllegalStateException();
        }
    }
}
