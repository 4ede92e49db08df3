package io.smsgw.cmpp.codec;

/** Update_type values of the GNS *_ROUTE_UPDATE messages. */
public final class RouteUpdateType {

    public static final int ADD = 0;
    public static final int DELETE = 1;
    public static final int MODIFY = 2;

    private RouteUpdateType() {
    }
}
