package io.smsgw.cmpp.fwd;

import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.smsgw.broker.DurableSender;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.core.concat.MalformedUdhException;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FWD session a peer gateway opened on the CMPP acceptor: each FWD becomes a contract message (type 0 on
 * {@code sms.mt}, 1 on {@code sms.mo}, 2 and 3 on {@code sms.dr}) and is answered FWD_RESP Result 0 once it is
 * durable; the {@link ForwardingPolicy} refuses with Result 9. The broker session is bound to the peer's
 * connection and fails with it.
 */
public final class FwdSessionHandler {

   private static final Logger logger = LoggerFactory.getLogger(FwdSessionHandler.class);
   /** Vendor results (100-199 range), as for SUBMIT: the journal failed / no queue is bound to the address. */
   static final int RESULT_STORAGE_FAILURE = 100;
   static final int RESULT_NOT_ROUTED = 101;

   private final FwdPeers peers;
   private final String peerCode;
   private final ActiveMQServer server;
   private final ServerSession session;
   private final DurableSender sender;
   private final FwdMessageMapper mapper;
   private final Consumer<CmppPdu> replies;

   private FwdSessionHandler(FwdPeers peers, String peerCode, ActiveMQServer server, ServerSession session,
                             DurableSender sender, FwdMessageMapper mapper, Consumer<CmppPdu> replies) {
      this.peers = peers;
      this.peerCode = peerCode;
      this.server = server;
      this.session = session;
      this.sender = sender;
      this.mapper = mapper;
      this.replies = replies;
   }

   /**
    * Opens the broker session of a peer that connected. Run on a broker executor: it may touch the journal.
    *
    * @param replies writes FWD_RESPs to the peer, from any thread; called exactly once for each FWD given to onFwd
    */
   public static FwdSessionHandler open(FwdPeers peers, String peerCode, CmppVersion version, ActiveMQServer server,
                                        RemotingConnection connection, Consumer<CmppPdu> replies) throws Exception {
      OperationContext context = server.newOperationContext();
      ServerSession session = server.createInternalSession("cmpp-fwd-in-" + peerCode + "-" + UUID.randomUUID(),
         ActiveMQClient.DEFAULT_MIN_LARGE_MESSAGE_SIZE, connection, true, true, false, false, null, new NoDeliveries(), true,
         context, null, null, false);
      GatewayRuntime runtime = peers.runtime();
      GatewayConfig config = runtime.config();
      FwdMessageMapper mapper = new FwdMessageMapper(config.code(), peerCode, version, ZoneId.systemDefault());
      return new FwdSessionHandler(peers, peerCode, server, session, DurableSender.forInternalSession(server, session, context), mapper, replies);
   }

   public String peerCode() {
      return peerCode;
   }

   /** Stores one FWD and answers it (from the storage callback when it is accepted). */
   public void onFwd(Fwd fwd) {
      if (!fwd.sourceId().equals(peerCode) || !fwd.destinationId().equals(mapper.ownCode())) {
         logger.info("FWD from peer {} names Source_Id {} and Destination_Id {}; refused", peerCode, fwd.sourceId(),
                     fwd.destinationId());
         replies.accept(fwd.response(CmppResult.FWD_WRONG_DECISION));
         return;
      }
      // Checked before the policy, which sees one recipient: a FWD that could only be stored wrong is refused whole.
      String problem = FwdMessageMapper.problem(fwd, System.currentTimeMillis());
      if (problem != null) {
         logger.info("FWD from peer {} refused (Result 1): {}", peerCode, problem);
         replies.accept(fwd.response(CmppResult.STRUCTURE_ERROR));
         return;
      }
      boolean accepted;
      try {
         accepted = peers.policy().accepts(peerCode, fwd);
      } catch (RuntimeException e) {
         logger.warn("Forwarding policy failed on a FWD from {}; refusing it", peerCode, e);
         accepted = false;
      }
      if (!accepted) {
         replies.accept(fwd.response(CmppResult.FWD_WRONG_DECISION));
         return;
      }
      CoreMessage message;
      try {
         message = mapper.toMessage(fwd, server.getStorageManager().generateID(), System.currentTimeMillis());
      } catch (MalformedUdhException | IllegalArgumentException e) {
         logger.info("Malformed FWD from peer {}: {}", peerCode, e.getMessage());
         replies.accept(fwd.response(CmppResult.STRUCTURE_ERROR));
         return;
      }
      try {
         DurableSender.Result result = sender.send(List.of(message), new IOCallback() {
            @Override
            public void done() {
               replies.accept(fwd.response(CmppResult.OK));
            }

            @Override
            public void onError(int errorCode, String errorMessage) {
               logger.warn("Journal error {} for a FWD from {}: {}", errorCode, peerCode, errorMessage);
               replies.accept(fwd.response(RESULT_STORAGE_FAILURE));
            }
         });
         if (result == DurableSender.Result.NOT_ROUTED) {
            logger.warn("FWD from {} refused: no queue is bound to {}", peerCode, message.getAddress());
            replies.accept(fwd.response(RESULT_NOT_ROUTED));
         }
      } catch (Exception e) {
         logger.warn("FWD from {} failed in the broker", peerCode, e);
         replies.accept(fwd.response(RESULT_STORAGE_FAILURE));
      }
   }

   /** Runs {@code task} once every FWD received so far is durable (or failed), e.g. before answering TERMINATE. */
   public void afterPendingWrites(Runnable task) {
      sender.afterPendingWrites(task);
   }

   /** Closes the broker session (the peer's connection is going away). */
   public void close() {
      try {
         session.close(false);
      } catch (Exception e) {
         logger.debug("Closing the FWD session of {}", peerCode, e);
      }
   }
}
