package io.github.pipeline.analytics.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.pipeline.analytics.sinks.JsonOut;
import java.util.Objects;

/** Distinct viewing users per (1-minute window, page) ({@code analytics.unique_users_per_page}). */
public class UniqueUsersRecord implements OutputRecord {
    @JsonProperty("window_start_ms")
    public long windowStartMs;
    @JsonProperty("page")
    public String page;
    @JsonProperty("users")
    public long users;
    @JsonProperty("version")
    public long version;

    public UniqueUsersRecord() {}

    public UniqueUsersRecord(long windowStartMs, String page, long users, long version) {
        this.windowStartMs = windowStartMs;
        this.page = page;
        this.users = users;
        this.version = version;
    }

    @Override
    public void writeJson(JsonOut out) {
        out.begin()
                .field("window_start_ms", windowStartMs)
                .field("page", page)
                .field("users", users)
                .field("version", version);
    }

    @Override
    public String key() {
        return windowStartMs + "|" + page;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof UniqueUsersRecord)) return false;
        UniqueUsersRecord r = (UniqueUsersRecord) o;
        return windowStartMs == r.windowStartMs && Objects.equals(page, r.page) && users == r.users && version == r.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowStartMs, page, users, version);
    }

    @Override
    public String toString() {
        return "UniqueUsersRecord{" + "window_start_ms=" + windowStartMs + ", page=" + page + ", users=" + users + ", version=" + version+ "}";
    }
}
