package io.smsgw.broker;

import java.util.UUID;

import io.netty.channel.EventLoop;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.spi.core.protocol.SessionCallback;

/**
 * The broker side of an outgoing link (an SMSC link, a CMPP_FWD link): an internal session that lives as long as the
 * link rather than its socket ({@link LinkTransport}), a consumer on the link's durable queue (created if missing)
 * and a {@link DurableSender} in the same operation context. Messages in flight thus stay with the link across
 * reconnects. The session is started; the caller stops and closes it. When opening fails part way, the session is
 * closed before the exception is thrown.
 *
 * @param session  the link's session; deliveries reach the callback given to {@link #open}
 * @param consumer the consumer on the link's queue
 * @param sender   sends messages durably from the link (receipts, MO, reports)
 */
public record LinkBrokerSession(ServerSession session, ServerConsumer consumer, DurableSender sender) {

   /**
    * @param linkId      names the transport, the client id ({@code clientIdPrefix + linkId}) and the session
    * @param protocol    the protocol name shown for the connection in the broker's management
    * @param queueName   the durable anycast queue the link consumes
    */
   public static LinkBrokerSession open(ActiveMQServer server, EventLoop loop, String linkId, String transportId,
                                        String protocol, String clientIdPrefix, String sessionPrefix,
                                        SimpleString queueName, SessionCallback callback) throws Exception {
      OperationContext context = server.newOperationContext();
      SmsRemotingConnection connection = new SmsRemotingConnection(new LinkTransport(transportId, loop), protocol);
      connection.setClientID(clientIdPrefix + linkId);
      ServerSession session = server.createInternalSession(sessionPrefix + linkId + "-" + UUID.randomUUID(),
         ActiveMQClient.DEFAULT_MIN_LARGE_MESSAGE_SIZE, connection, true, true, false, false, null, callback, true,
         context, null, null, false);
      try {
         server.createQueue(QueueConfiguration.of(queueName).setAddress(queueName).setRoutingType(RoutingType.ANYCAST)
                               .setDurable(true).setAutoCreateAddress(true), true);
         DurableSender sender = DurableSender.forInternalSession(server, session, context);
         ServerConsumer consumer = session.createConsumer(server.getStorageManager().generateID(), queueName, null, false, false, -1);
         session.start();
         return new LinkBrokerSession(session, consumer, sender);
      } catch (Exception | Error e) {
         // Nobody else holds the session yet: left open it would stay in the broker's sessions until it stops.
         try {
            session.close(false);
         } catch (Exception closing) {
            e.addSuppressed(closing);
         }
         throw e;
      }
   }
}
