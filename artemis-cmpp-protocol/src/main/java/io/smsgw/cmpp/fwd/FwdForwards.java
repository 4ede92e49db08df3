package io.smsgw.cmpp.fwd;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

import io.smsgw.cmpp.codec.Fwd;
import io.smsgw.core.config.PeerConfig;
import io.smsgw.core.contract.ReportKeys;
import io.smsgw.core.contract.SmsAddresses;
import io.smsgw.core.contract.SmsKind;
import io.smsgw.core.contract.SmsMessageBuilder;
import io.smsgw.core.contract.SmsMessageReader;
import io.smsgw.core.contract.SmsProperties;
import io.smsgw.core.id.CmppMsgId;
import io.smsgw.core.receipt.DeliveryState;
import io.smsgw.correlation.CorrelationRecord;
import io.smsgw.correlation.CorrelationStore;
import io.smsgw.correlation.SmsProtocol;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which peer each MT this gateway forwarded went to, so a report on it is taken from that peer only (decision in
 * docs/decisions.md, "Reports are taken only from the peer the MT was handed to"). Kept in a correlation store of
 * its own: one record per MT FWD the peer answered Result 0, keyed like an SMSC link's receipt record, with the peer's
 * code as link id and {@code <Msg_Id hex>/<recipient>/<Pk_number>} (1 for a one-part message) as message id; its
 * deadline is the MT's validity plus the peer's {@code report-wait}, and the store adds its grace (an hour, as long as
 * the peer's receipt record outlives the validity before the peer reports EXPIRED). The final report replaces it by a marker under {@code <key>/final}
 * that lives for the grace only, so a report the peer sends again (its FWD_RESP was lost) is answered Result 0 and
 * dropped, and any later one is refused. A record that reaches its deadline without a final report gets one made here
 * ({@link #expiryReport}: UNKNOWN, error {@value #NO_PEER_REPORT_ERROR}, routed and billed as the peer's would have
 * been), and a marker that lives for the peer's {@code report-wait} beyond it (its Service_Id {@value #EXPIRED_HERE}),
 * so a peer report that comes later still is answered Result 0 and dropped rather than bouncing (decision in
 * docs/decisions.md, "A forward whose peer never reports gets its final report at home").
 */
public final class FwdForwards {

   private static final Logger logger = LoggerFactory.getLogger(FwdForwards.class);
   /** How long an MT without validity is remembered, as an SMSC link's receipt record. */
   static final long DEFAULT_VALIDITY_MILLIS = 48L * 60 * 60 * 1000;
   /** smsErrorCode (with UNKNOWN) of the final report made here for a forward the peer never reported on. */
   public static final String NO_PEER_REPORT_ERROR = "112";
   /** Service_Id of a marker this gateway left after making the final report itself (a normal marker has none). */
   static final String EXPIRED_HERE = "expired-here";
   private static final String FINAL_SUFFIX = "/final";
   private static final String VERSION = "FWD";
   /** Refused reports are logged at most this often per peer, with the count since. */
   private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;

   /** What became of a report FWD. */
   public enum Outcome {
      /** The MT went to the sender: store the report. */
      FORWARDED,
      /** The sender already gave the MT's final report: answer Result 0, store nothing. */
      ALREADY_REPORTED,
      /** The MT went to another peer: Result 9. */
      OTHER_PEER,
      /** This gateway has no record of forwarding it (never, or its record expired): Result 9. */
      NOT_FORWARDED
   }

   /**
    * A report FWD's verdict; {@code record} is the forward's record when {@link Outcome#FORWARDED}, its final report's
    * marker when {@link Outcome#ALREADY_REPORTED}.
    */
   public record Verdict(Outcome outcome, CorrelationRecord record, String otherPeer) {
   }

   /** Per sending peer: reports refused, repeats of a final report dropped. */
   static final class PeerCounts {
      final LongAdder refused = new LongAdder();
      final LongAdder repeats = new LongAdder();
      final LongAdder expired = new LongAdder();
      final AtomicLong lastExpiredLogNanos = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
      final LongAdder expiredSinceLog = new LongAdder();
      final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);
      final LongAdder sinceWarn = new LongAdder();
   }

   private final CorrelationStore store;
   /** A peer's {@code report-wait} in milliseconds, as the configuration in force says (a reload applies to new records). */
   private final ToLongFunction<String> reportWaitMillis;
   private final Map<String, PeerCounts> counts = new ConcurrentHashMap<>();

   /** Every peer with the default {@code report-wait}. */
   public FwdForwards(CorrelationStore store) {
      this(store, peer -> PeerConfig.DEFAULT_REPORT_WAIT.toMillis());
   }

   public FwdForwards(CorrelationStore store, ToLongFunction<String> reportWaitMillis) {
      this.store = store;
      this.reportWaitMillis = reportWaitMillis;
   }

   /**
    * The record key of an MT FWD or of a report on it: its Msg_Id, recipient and part (a one-part message is part 1
    * whatever Pk_number says). The recipient is in it because an SMPP submit_multi gives all its recipients one smsId,
    * so their FWDs share a Msg_Id (a CMPP group send has one Msg_Id per recipient).
    */
   static String key(Fwd fwd) {
      return key(fwd, fwd.pkTotal() <= 1 ? 1 : fwd.pkNumber());
   }

   private static String key(Fwd fwd, int part) {
      return CmppMsgId.toHex(fwd.msgId()) + '/' + recipient(fwd) + '/' + part;
   }

   /** The handset the MT is for: an MT's Dest_Id; an MT report's Src_Id (the FWD table: "receiving MSISDN"). */
   private static String recipient(Fwd fwd) {
      return fwd.msgFwdType() == Fwd.TYPE_MT_REPORT ? fwd.srcId() : fwd.destIds().get(0);
   }

   /**
    * Whether the report {@code fwd} taken on {@code record} is on a part of the peer's own split of an MT this gateway
    * forwarded in one part (the peer's SMSC link cut it again, decision 93): it is then the report of that one part.
    */
   static boolean resplit(Fwd fwd, CorrelationRecord record) {
      return fwd.pkTotal() > 1 && record.segmentTotal() <= 1;
   }

   /**
    * Remembers that {@code peer} answered Result 0 to the MT FWD {@code fwd} of {@code message}; the stage completes once
    * the record is durable (the caller acknowledges the message only then).
    */
   CompletionStage<Void> remember(String peer, Fwd fwd, ICoreMessage message, long nowMillis) {
      CorrelationRecord record;
      try {
         SmsMessageReader m = new SmsMessageReader(message);
         long validity = m.longOrElse(SmsProperties.VALIDITY_TIME, 0);
         // The peer's SMSC may deliver only at the MT's At_Time: without a validity the record waits 48 h from then.
         long from = Math.max(nowMillis, m.longOrElse(SmsProperties.SCHEDULE_TIME, 0));
         // the id its submitter knows: an application's own, when the MT crossed with one of this gateway's
         String smsId = m.string(SmsProperties.SUBMITTED_ID, CmppMsgId.toHex(fwd.msgId()));
         record = new CorrelationRecord(peer, key(fwd), smsId, m.string(SmsProperties.ACCOUNT, ""),
            m.string(SmsProperties.ORIGIN_GATEWAY), fwd.srcId(), fwd.destIds().get(0), fwd.serviceId(), fwd.feeUserType() & 0xFF,
            fwd.feeType(), fwd.feeCode(), fwd.feeTerminalId(), nowMillis,
            // The peer reports EXPIRED an hour after this deadline (its receipt record's grace, as long as this store's);
            // report-wait allows for its link to us being down then.
            (validity > 0 ? validity : from + DEFAULT_VALIDITY_MILLIS) + reportWaitMillis.applyAsLong(peer), 0, fwd.pkTotal() & 0xFF, fwd.pkNumber() & 0xFF,
            fwd.registeredDelivery() & 0xFF, protocol(m), m.string(SmsProperties.PROTOCOL_VERSION, VERSION));
      } catch (RuntimeException e) {
         return CompletableFuture.failedFuture(e);
      }
      return store.put(record);
   }

   /** The protocol the MT was submitted with: its report's request for a report is read by it (routing's ReportRequest). */
   private static SmsProtocol protocol(SmsMessageReader m) {
      return switch (m.string(SmsProperties.PROTOCOL, "")) {
         case "SMPP" -> SmsProtocol.SMPP;
         case "CMPP" -> SmsProtocol.CMPP;
         default -> SmsProtocol.APP;
      };
   }

   /**
    * Whether the report FWD {@code fwd} from {@code peer} is on an MT this gateway forwarded to that peer. Answers on the
    * caller's thread when the record is in memory (the usual case); otherwise on the store's threads. A record whose put
    * is still being synced (the report overtook it) is waited for, briefly; so is a refusal.
    */
   CompletionStage<Verdict> check(String peer, Fwd fwd, List<String> otherPeers) {
      String key = key(fwd);
      return store.get(peer, key).thenCompose(found -> {
         if (found.isPresent()) {
            return CompletableFuture.completedFuture(new Verdict(Outcome.FORWARDED, found.get(), null));
         }
         return store.get(peer, key + FINAL_SUFFIX).thenCompose(done -> {
            if (done.isPresent()) {
               return CompletableFuture.completedFuture(new Verdict(Outcome.ALREADY_REPORTED, done.get(), null));
            }
            return fwd.pkTotal() > 1 && fwd.pkNumber() != 1 ? wholeOrLate(peer, fwd, key, otherPeers)
               : late(peer, key, otherPeers);
         });
      });
   }

   /**
    * Part k > 1 of a report with no record of its own: on an MT forwarded in one part that the peer split again, it is
    * the report of that part (its record, or its marker once one of the peer's parts had a final report: the first final
    * report of any of the peer's parts stands for the part, the others are answered as repeats).
    */
   private CompletionStage<Verdict> wholeOrLate(String peer, Fwd fwd, String key, List<String> otherPeers) {
      String whole = key(fwd, 1);
      return store.get(peer, whole).thenCompose(found -> {
         if (found.isPresent() && found.get().segmentTotal() <= 1) {
            return CompletableFuture.completedFuture(new Verdict(Outcome.FORWARDED, found.get(), null));
         }
         return store.get(peer, whole + FINAL_SUFFIX).thenCompose(done ->
            done.isPresent() && done.get().segmentTotal() <= 1
               ? CompletableFuture.completedFuture(new Verdict(Outcome.ALREADY_REPORTED, done.get(), null))
               : late(peer, key, otherPeers));
      });
   }

   /** A report that may have overtaken the record of its FWD_RESP: waits for it briefly, else refused. */
   private CompletionStage<Verdict> late(String peer, String key, List<String> otherPeers) {
      return store.matchReceipt(peer, key).thenCompose(late -> late.isPresent()
         ? CompletableFuture.completedFuture(new Verdict(Outcome.FORWARDED, late.get(), null))
         : whoHasIt(key, otherPeers.iterator()));
   }

   /** For the log only: the peer, if any, the MT did go to. */
   private CompletionStage<Verdict> whoHasIt(String key, Iterator<String> others) {
      if (!others.hasNext()) {
         return CompletableFuture.completedFuture(new Verdict(Outcome.NOT_FORWARDED, null, null));
      }
      String other = others.next();
      return store.get(other, key).thenCompose(found -> found.isPresent()
         ? CompletableFuture.completedFuture(new Verdict(Outcome.OTHER_PEER, null, other))
         : whoHasIt(key, others));
   }

   /**
    * The final report on {@code record} is stored: the record goes, and a marker stays for the store's grace (its
    * deadline is now), so the same report sent again is recognised. Completes once both writes are durable.
    */
   CompletionStage<Void> finallyReported(CorrelationRecord record, long nowMillis) {
      CorrelationRecord marker;
      try {
         marker = marker(record, null, Math.min(nowMillis, record.expiresAtMillis()));
      } catch (RuntimeException e) {
         return CompletableFuture.failedFuture(e);
      }
      CompletionStage<Void> put = store.put(marker);
      CompletionStage<Void> remove = store.remove(record.linkId(), record.smscMessageId());
      return put.thenCombine(remove, (a, b) -> null);
   }

   private static CorrelationRecord marker(CorrelationRecord record, String serviceId, long deadline) {
      return new CorrelationRecord(record.linkId(), record.smscMessageId() + FINAL_SUFFIX, record.smsId(),
         record.account(), record.originGateway(), record.source(), record.destination(), serviceId, 0, null, null, null,
         record.submitTimeMillis(), deadline, 0, record.segmentTotal(), record.segmentNumber(), record.registeredDelivery(),
         record.protocol(), record.protocolVersion());
   }

   /** Whether {@code record} is a final report's marker (dropped silently when it expires), not a forward. */
   static boolean isMarker(CorrelationRecord record) {
      return record.smscMessageId().endsWith(FINAL_SUFFIX);
   }

   /** Whether a marker was left by this gateway's own final report on a forward the peer never reported on. */
   static boolean reportedHere(CorrelationRecord marker) {
      return marker != null && EXPIRED_HERE.equals(marker.serviceId());
   }

   /**
    * The final report this gateway makes for a forward whose record reached its deadline with no final report from the
    * peer: UNKNOWN (the peer took the MT and may have delivered it), error {@value #NO_PEER_REPORT_ERROR}, on
    * {@code sms.dr} with what a peer's report taken on the record would carry (FwdSessionHandler), so routing sends it to
    * the SP (or back to the gateway the MT came from) and bills it once. Its duplicate id is the one routing gives a final
    * report, so the same report made again after a crash is dropped on {@code sms.dr}.
    */
   static CoreMessage expiryReport(CorrelationRecord r, long brokerId, long nowMillis) {
      boolean parts = r.segmentTotal() > 1;
      SmsMessageBuilder b = SmsMessageBuilder.create(brokerId, SmsAddresses.DR_ADDRESS, SmsKind.DR)
         .id(r.smsId())
         .string(SmsProperties.ACCOUNT, r.account().isEmpty() ? null : r.account())
         .string(SmsProperties.PROTOCOL, r.protocol() == null ? SmsProtocol.CMPP.name() : r.protocol().name())
         .string(SmsProperties.PROTOCOL_VERSION, r.protocolVersion())
         .string(SmsProperties.SOURCE, r.destination())
         .string(SmsProperties.DESTINATION, r.source())
         .string(SmsProperties.SERVICE_ID, r.serviceId())
         .integer(SmsProperties.REGISTERED_DELIVERY, r.registeredDelivery())
         .string(SmsProperties.STATUS, DeliveryState.UNKNOWN.stat())
         .string(SmsProperties.ERROR_CODE, NO_PEER_REPORT_ERROR)
         .submitTime(r.submitTimeMillis())
         .doneTime(nowMillis)
         .string(SmsProperties.ORIGIN_GATEWAY, r.originGateway());
      if (r.feeType() != null) {
         b.fee(r.feeUserType(), r.feeType(), r.feeCode(), r.feeTerminal());
      }
      if (parts) {
         b.segment(0, r.segmentTotal(), r.segmentNumber());
      }
      b.duplicateId(ReportKeys.reportDuplicateId(r.smsId(), r.destination(), parts ? r.segmentNumber() : null));
      CoreMessage report = b.text("").build();
      if (r.originGateway() == null) {
         // submitted here: delivered and billed here, whatever gateway its Msg_Id names (as a peer's report on it)
         report.putBooleanProperty(SmsProperties.REPORT_HOME, true);
      }
      return report;
   }

   /**
    * This gateway's own final report on {@code record} is durable: a marker that lives for the peer's report-wait (plus
    * the store's grace) takes the record's place, so a peer report that comes later still is answered Result 0 and
    * dropped. The store removes the record itself once the returned stage completes. Counted and logged.
    */
   CompletionStage<Void> markReportedHere(CorrelationRecord record, long nowMillis) {
      CompletionStage<Void> put;
      try {
         put = store.put(marker(record, EXPIRED_HERE, nowMillis + reportWaitMillis.applyAsLong(record.linkId())));
      } catch (RuntimeException e) {
         return CompletableFuture.failedFuture(e);
      }
      return put.thenRun(() -> expiredHere(record));
   }

   private void expiredHere(CorrelationRecord record) {
      PeerCounts c = counts(record.linkId());
      c.expired.increment();
      c.expiredSinceLog.increment();
      logger.debug("Peer gateway {} sent no final report on forwarded MT {} ({}) before its deadline; UNKNOWN ({}) "
                   + "reported here", record.linkId(), record.smsId(), record.smscMessageId(), NO_PEER_REPORT_ERROR);
      long now = System.nanoTime();
      long last = c.lastExpiredLogNanos.get();
      if (now - last >= WARN_INTERVAL_NANOS && c.lastExpiredLogNanos.compareAndSet(last, now)) {
         logger.warn("Peer gateway {} sent no final report on {} forwarded MT part(s) within their validity and its "
                     + "report-wait; this gateway reported them UNKNOWN (error {}) to their senders ({} in all)",
                     record.linkId(), c.expiredSinceLog.sumThenReset(), NO_PEER_REPORT_ERROR, c.expired.sum());
      }
   }

   /** Counts a refused report and logs it, at most once per 10 s per peer (with how many since). */
   void refused(String peer, Fwd fwd, Verdict verdict) {
      PeerCounts c = counts(peer);
      c.refused.increment();
      c.sinceWarn.increment();
      long now = System.nanoTime();
      long last = c.lastWarnNanos.get();
      if (now - last >= WARN_INTERVAL_NANOS && c.lastWarnNanos.compareAndSet(last, now)) {
         long since = c.sinceWarn.sumThenReset();
         logger.warn("Peer gateway {} reported on MT {} ({}), which {}; refused with Result 9 ({} report(s) of this peer "
                     + "refused in the last 10 s, {} in all)", peer, CmppMsgId.toHex(fwd.msgId()), key(fwd),
                     verdict.outcome() == Outcome.OTHER_PEER ? "was forwarded to gateway " + verdict.otherPeer()
                        : "this gateway has no record of forwarding to it", since, c.refused.sum());
      }
   }

   /** Counts a repeated final report dropped. */
   void repeated(String peer) {
      counts(peer).repeats.increment();
   }

   private PeerCounts counts(String peer) {
      PeerCounts c = counts.get(peer);
      return c != null ? c : counts.computeIfAbsent(peer, p -> new PeerCounts());
   }

   /** Reports from {@code peer} refused because the MT was not forwarded to it. */
   public long reportsRefused(String peer) {
      PeerCounts c = counts.get(peer);
      return c == null ? 0 : c.refused.sum();
   }

   /** Final reports from {@code peer} that came again and were dropped (answered Result 0). */
   public long reportsRepeated(String peer) {
      PeerCounts c = counts.get(peer);
      return c == null ? 0 : c.repeats.sum();
   }

   /** Forwards to {@code peer} with no final report from it by their deadline, reported UNKNOWN (112) here. */
   public long reportsMadeHere(String peer) {
      PeerCounts c = counts.get(peer);
      return c == null ? 0 : c.expired.sum();
   }

   /** Records kept (forwards waiting for their final report, and markers). */
   public long size() {
      return store.size();
   }

}
