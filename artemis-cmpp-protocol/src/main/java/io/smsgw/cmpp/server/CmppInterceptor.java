package io.smsgw.cmpp.server;

import io.smsgw.cmpp.codec.CmppPdu;
import org.apache.activemq.artemis.api.core.BaseInterceptor;

/**
 * Lets broker admins hook CMPP PDUs through {@code <remoting-incoming-interceptors>} and
 * {@code <remoting-outgoing-interceptors>}. Returning false from {@code intercept} drops the PDU and closes
 * the connection.
 */
public interface CmppInterceptor extends BaseInterceptor<CmppPdu> {
}
