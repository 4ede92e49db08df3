package io.smsgw.smpp.server;

import io.smsgw.smpp.codec.SmppPdu;
import org.apache.activemq.artemis.api.core.BaseInterceptor;

/**
 * Lets broker admins hook SMPP PDUs through {@code <remoting-incoming-interceptors>} and
 * {@code <remoting-outgoing-interceptors>}. Returning false from {@code intercept} drops the PDU and closes
 * the connection.
 */
public interface SmppInterceptor extends BaseInterceptor<SmppPdu> {
}
