/* Names of Storm's system components and streams, as Storm defines them. */
package org.apache.storm;

public class Constants {
    public static final String COORDINATED_STREAM_ID = "__coord";
    public static final long SYSTEM_TASK_ID = -1;
    public static final String SYSTEM_COMPONENT_ID = "__system";
    public static final String SYSTEM_TICK_STREAM_ID = "__tick";
    public static final String SYSTEM_FLUSH_STREAM_ID = "__flush";
    public static final String METRICS_COMPONENT_ID_PREFIX = "__metrics";
    public static final String METRICS_STREAM_ID = "__metrics";
    public static final String METRICS_TICK_STREAM_ID = "__metrics_tick";
    public static final String CREDENTIALS_CHANGED_STREAM_ID = "__credentials";
}
