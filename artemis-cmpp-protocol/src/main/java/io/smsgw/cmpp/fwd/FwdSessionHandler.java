package io.smsgw.cmpp.fwd;

import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.smsgw.broker.DurableSender;
import io.smsgw.broker.LogText;
import io.smsgw.broker.PendingRequests;
import io.smsgw.broker.StorageOverload;
import io.smsgw.cmpp.codec.CmppPdu;
import io.smsgw.cmpp.codec.CmppResult;
import io.smsgw.cmpp.codec.CmppVersion;
import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.core.concat.MalformedUdhException;
import io.smsgw.core.config.GatewayConfig;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.runtime.GatewayRuntime;
import org.apache.activemq.artemis.api.core.SimpleString;
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
 * durable; the {@link ForwardingPolicy} refuses with Result 9. A report on an MT (type 2) is taken only when this
 * gateway forwarded that MT to this peer ({@link FwdForwards}); otherwise Result 9, and a final report the peer sends
 * again is answered Result 0 and dropped. The broker session is bound to the peer's connection and fails with it.
 * A FWD the broker's storage cannot take now (decision 131) is answered Result 8, which the peer's link puts back and
 * sends again without counting a failed delivery, and the connection holds back its further FWDs until the store frees space.
 */
public final class FwdSessionHandler {

   private static final Logger logger = LoggerFactory.getLogger(FwdSessionHandler.class);
   /** smsProtocol of a report, by the protocol its forward record names (the MT's). */
   private static final SimpleString[] PROTOCOL_NAMES = java.util.Arrays.stream(io.smsgw.correlation.SmsProtocol.values())
      .map(p -> SimpleString.of(p.name())).toArray(SimpleString[]::new);
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
   /** The connection's event loop: FWDs arrive on it, and report checks the store answers later continue on it. */
   private final Executor loop;
   /** The connection's reading: its FWDs held back while the storage is full. */
   private final PendingRequests reading;
   /** Report checks the store has not answered yet (event loop only); TERMINATE is answered after them. */
   private int checking;
   private Runnable afterChecks;

   private FwdSessionHandler(FwdPeers peers, String peerCode, ActiveMQServer server, ServerSession session,
                             DurableSender sender, FwdMessageMapper mapper, Consumer<CmppPdu> replies, Executor loop,
                             PendingRequests reading) {
      this.peers = peers;
      this.peerCode = peerCode;
      this.server = server;
      this.session = session;
      this.sender = sender;
      this.mapper = mapper;
      this.replies = replies;
      this.loop = loop;
      this.reading = reading;
   }

   /**
    * Opens the broker session of a peer that connected. Run on a broker executor: it may touch the journal.
    *
    * @param zone    the acceptor's cmppTimeZone, for the report times in the FWDs
    * @param replies writes FWD_RESPs to the peer, from any thread; called exactly once for each FWD given to onFwd
    * @param loop    the connection's event loop, which calls onFwd
    * @param reading the connection's reading: its FWDs held back while the broker's storage is full
    */
   public static FwdSessionHandler open(FwdPeers peers, String peerCode, CmppVersion version, ZoneId zone, ActiveMQServer server,
                                        RemotingConnection connection, Consumer<CmppPdu> replies, Executor loop,
                                        PendingRequests reading) throws Exception {
      OperationContext context = server.newOperationContext();
      ServerSession session = server.createInternalSession("cmpp-fwd-in-" + peerCode + "-" + UUID.randomUUID(),
         ActiveMQClient.DEFAULT_MIN_LARGE_MESSAGE_SIZE, connection, true, true, false, false, null, new NoDeliveries(), true,
         context, null, null, false);
      GatewayRuntime runtime = peers.runtime();
      GatewayConfig config = runtime.config();
      FwdMessageMapper mapper = new FwdMessageMapper(config.code(), peerCode, version, zone);
      return new FwdSessionHandler(peers, peerCode, server, session, DurableSender.forInternalSession(server, session, context), mapper, replies,
                                   loop, reading);
   }

   public String peerCode() {
      return peerCode;
   }

   /** Stores one FWD and answers it (from the storage callback when it is accepted). */
   public void onFwd(Fwd fwd) {
      if (!fwd.sourceId().equals(peerCode) || !fwd.destinationId().equals(mapper.ownCode())) {
         peers.refusedFwd(peerCode, CmppResult.FWD_WRONG_DECISION, () -> "it names Source_Id '" + LogText.safe(fwd.sourceId())
            + "' and Destination_Id '" + LogText.safe(fwd.destinationId()) + "'");
         replies.accept(fwd.response(CmppResult.FWD_WRONG_DECISION));
         return;
      }
      // Checked before the policy, which sees one recipient: a FWD that could only be stored wrong is refused whole.
      String problem = FwdMessageMapper.problem(fwd, System.currentTimeMillis());
      if (problem != null) {
         peers.refusedFwd(peerCode, CmppResult.STRUCTURE_ERROR, () -> problem);
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
         peers.refusedFwd(peerCode, CmppResult.STRUCTURE_ERROR,
                          () -> "malformed: " + LogText.safe(String.valueOf(e.getMessage()), 200));
         replies.accept(fwd.response(CmppResult.STRUCTURE_ERROR));
         return;
      }
      if (fwd.msgFwdType() == Fwd.TYPE_MT_REPORT) {
         checkReport(fwd, message);
         return;
      }
      store(fwd, message, null);
   }

   /**
    * A report on an MT: stored only when this gateway forwarded the MT to this peer. The usual answer comes from memory
    * on this thread; one the store answers later continues on the event loop.
    */
   private void checkReport(Fwd fwd, CoreMessage message) {
      FwdForwards forwards = peers.forwards();
      if (forwards == null) {
         // The FWD links and their records are not running (the broker is starting or stopping): try again later.
         logger.info("Report FWD from peer {} on {} answered Result {}: forward records not open", peerCode,
                     CmppMsgId.toHex(fwd.msgId()), RESULT_STORAGE_FAILURE);
         replies.accept(fwd.response(RESULT_STORAGE_FAILURE));
         return;
      }
      CompletableFuture<FwdForwards.Verdict> verdict;
      try {
         verdict = forwards.check(peerCode, fwd, peers.otherPeers(peerCode)).toCompletableFuture();
      } catch (RuntimeException e) {
         verdict = CompletableFuture.failedFuture(e);
      }
      if (verdict.isDone()) {
         FwdForwards.Verdict answer;
         try {
            answer = verdict.getNow(null);
         } catch (CompletionException | CancellationException e) {
            // A check that failed at once (records closed by a stop, reader queue full, a RocksDB error) is answered
            // Result 100 as a later failure is; thrown out of here it would close the peer's connection.
            checked(forwards, fwd, message, null, e.getCause() != null ? e.getCause() : e);
            return;
         }
         checked(forwards, fwd, message, answer, null);
         return;
      }
      checking++;
      verdict.whenCompleteAsync((answer, failure) -> {
         try {
            checked(forwards, fwd, message, answer, failure);
         } finally {
            checkDone();
         }
      }, loop);
   }

   /** A check (or a final report's record writes) is over; on the event loop. */
   private void checkDone() {
      if (--checking == 0 && afterChecks != null) {
         Runnable next = afterChecks;
         afterChecks = null;
         next.run();
      }
   }

   private void checked(FwdForwards forwards, Fwd fwd, CoreMessage message, FwdForwards.Verdict verdict, Throwable failure) {
      if (failure != null || verdict == null) {
         logger.warn("Report FWD from peer {} on {}: the forward records could not be read ({}); answered Result {}",
                     peerCode, CmppMsgId.toHex(fwd.msgId()), failure, RESULT_STORAGE_FAILURE);
         replies.accept(fwd.response(RESULT_STORAGE_FAILURE));
         return;
      }
      switch (verdict.outcome()) {
         case FORWARDED -> {
            var record = verdict.record();
            if (record.originGateway() != null) {
               // This gateway passed the MT on: the report goes on to where the MT came from, hop by hop back.
               message.putStringProperty(SmsProperties.ORIGIN_GATEWAY, record.originGateway());
            } else {
               // The MT was submitted here: the report is home, whoever issued its id (this gateway's code before a
               // change); by the id and the peer as origin routing would send it back there.
               message.putBooleanProperty(SmsProperties.REPORT_HOME, true);
            }
            if (record.originGateway() == null && !record.smsId().isEmpty()) {
               // the id the submitter was given (an application's own id, when the MT crossed with one of this gateway's)
               message.putStringProperty(SmsProperties.ID, SimpleString.of(record.smsId()));
            }
            // The record is the authority on whose MT it was: an account id wider than Msg_src went with none.
            if (!record.account().isEmpty()) {
               message.putStringProperty(SmsProperties.ACCOUNT, SimpleString.of(record.account()));
            }
            if (record.feeType() != null) {
               // the fee fields as the MT left here (records written before they were kept have none: the FWD's stay)
               if (record.serviceId() != null) {
                  message.putStringProperty(SmsProperties.SERVICE_ID, SimpleString.of(record.serviceId()));
               }
               message.putIntProperty(SmsProperties.FEE_USER_TYPE, record.feeUserType());
               message.putStringProperty(SmsProperties.FEE_TYPE, SimpleString.of(record.feeType()));
               message.putStringProperty(SmsProperties.FEE_CODE, SimpleString.of(record.feeCode()));
               if (record.feeTerminal() == null || record.feeTerminal().isEmpty()) {
                  message.removeProperty(SmsProperties.FEE_TERMINAL);
               } else {
                  message.putStringProperty(SmsProperties.FEE_TERMINAL, SimpleString.of(record.feeTerminal()));
               }
            }
            // Whether the SP gets the report is this gateway's decision, by what the MT asked for when it left here, not
            // by whatever Registered_Delivery the peer's report FWD carries.
            message.putIntProperty(SmsProperties.REGISTERED_DELIVERY, record.registeredDelivery());
            if (record.protocol() != null) {
               message.putStringProperty(SmsProperties.PROTOCOL, PROTOCOL_NAMES[record.protocol().ordinal()]);
               message.putStringProperty(SmsProperties.PROTOCOL_VERSION, SimpleString.of(record.protocolVersion()));
            }
            if (FwdForwards.resplit(fwd, record)) {
               // The peer split again what went as one part: its part's report is that part's, billed as one here.
               message.removeProperty(SmsProperties.SEGMENT_REF);
               message.removeProperty(SmsProperties.SEGMENT_TOTAL);
               message.removeProperty(SmsProperties.SEGMENT_NUMBER);
            }
            String status = message.getStringProperty(SmsProperties.STATUS);
            boolean last = status != null && DeliveryState.fromStat(status).isFinal();
            if (!last) {
               store(fwd, message, null);
               return;
            }
            // Its FWD_RESP waits for the record's replacement by the marker, and so does a TERMINATE_RESP after it.
            checking++;
            store(fwd, message, () -> forwards.finallyReported(record, System.currentTimeMillis())
               .whenCompleteAsync((ok, notMarked) -> {
                  if (notMarked != null) {
                     logger.warn("Final report from peer {} on {} stored, but its forward record not marked ({}); a "
                                 + "repeat would be taken again", peerCode, FwdForwards.key(fwd), notMarked.toString());
                  }
                  replies.accept(fwd.response(CmppResult.OK));
                  checkDone();
               }, loop), () -> loop.execute(this::checkDone));
         }
         case ALREADY_REPORTED -> {
            // The peer sent its final report again (our FWD_RESP was lost): it has it; nothing more is made of it.
            forwards.repeated(peerCode);
            if (FwdForwards.reportedHere(verdict.record())) {
               // Later than its validity and report-wait: this gateway already gave the SP its final report (UNKNOWN).
               logger.info("Report FWD from peer {} on {} ({}) came after this gateway made the MT's final report itself; "
                           + "answered Result 0 and dropped", peerCode, CmppMsgId.toHex(fwd.msgId()), FwdForwards.key(fwd));
            } else {
               logger.debug("Final report FWD from peer {} on {} came again; dropped", peerCode, FwdForwards.key(fwd));
            }
            replies.accept(fwd.response(CmppResult.OK));
         }
         default -> {
            forwards.refused(peerCode, fwd, verdict);
            replies.accept(fwd.response(CmppResult.FWD_WRONG_DECISION));
         }
      }
   }

   /**
    * Makes the message durable and answers the FWD Result 0 once it is; or, with {@code whenStored}, lets that answer
    * (a final report: once its forward record is marked). {@code whenFailed} runs when the FWD was answered with an error.
    */
   private void store(Fwd fwd, CoreMessage message, Runnable whenStored, Runnable whenFailed) {
      try {
         DurableSender.Result result = sender.send(List.of(message), new IOCallback() {
            @Override
            public void done() {
               if (whenStored == null) {
                  replies.accept(fwd.response(CmppResult.OK));
               } else {
                  whenStored.run();
               }
            }

            @Override
            public void onError(int errorCode, String errorMessage) {
               logger.warn("Journal error {} for a FWD from {}: {}", errorCode, peerCode, errorMessage);
               replies.accept(fwd.response(RESULT_STORAGE_FAILURE));
               if (whenFailed != null) {
                  whenFailed.run();
               }
            }
         });
         if (result == DurableSender.Result.NOT_ROUTED) {
            logger.warn("FWD from {} refused: no queue is bound to {}", peerCode, message.getAddress());
            replies.accept(fwd.response(RESULT_NOT_ROUTED));
            if (whenFailed != null) {
               whenFailed.run();
            }
         }
      } catch (DurableSender.StorageFull full) {
         // Not stored, transient (decision 131): Result 8, which the peer's link sends again without counting a failed
         // delivery (Result 100 counted one, and enough of them dead-lettered the message there); the connection holds
         // back its further FWDs until the store frees space (decision 140), as the SP acceptor does. On the event loop, as store() always is.
         StorageOverload.refused(server, "CMPP_FWD", peerCode, full.storageCause(), full.address());
         reading.stopReadingForStorage(sender, full);
         replies.accept(fwd.response(CmppResult.FLOW_CONTROL_ERROR));
         if (whenFailed != null) {
            whenFailed.run();
         }
      } catch (Exception e) {
         logger.warn("FWD from {} failed in the broker", peerCode, e);
         replies.accept(fwd.response(RESULT_STORAGE_FAILURE));
         if (whenFailed != null) {
            whenFailed.run();
         }
      }
   }

   private void store(Fwd fwd, CoreMessage message, Runnable whenStored) {
      store(fwd, message, whenStored, null);
   }

   /**
    * A FWD its connection did not keep while the storage is full, because as many wait already (PduChannelHandler):
    * Result 8 at once, as {@link #store} answers one the store refuses (the peer's link sends it again without counting
    * a failed delivery). Nothing is checked or stored. On the event loop.
    */
   public void refuseForStorage(Fwd fwd, DurableSender.StorageFull full) {
      StorageOverload.refused(server, "CMPP_FWD", peerCode, full.storageCause(), full.address());
      replies.accept(fwd.response(CmppResult.FLOW_CONTROL_ERROR));
   }

   /** Runs {@code task} once every FWD received so far is durable (or failed), e.g. before answering TERMINATE. */
   public void afterPendingWrites(Runnable task) {
      if (checking > 0) {
         // Called on the event loop, like onFwd: reports still being checked are stored (or refused) first.
         Runnable before = afterChecks;
         afterChecks = () -> {
            if (before != null) {
               before.run();
            }
            sender.afterPendingWrites(task);
         };
         return;
      }
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
