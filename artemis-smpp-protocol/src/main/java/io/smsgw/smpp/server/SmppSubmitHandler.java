package io.smsgw.smpp.server;

import io.smsgw.core.time.SmppTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import io.smsgw.broker.AcceptorMeters;
import io.smsgw.broker.DurableSender;
import io.smsgw.broker.StorageOverload;
import io.smsgw.broker.ThrottlingLog;
import io.smsgw.core.config.Account;
import io.smsgw.core.text.SmsEncoding;
import io.smsgw.core.rate.RateLimiter;
import io.smsgw.smpp.codec.Address;
import io.smsgw.smpp.codec.DataSm;
import io.smsgw.smpp.codec.DestinationAddress;
import io.smsgw.smpp.codec.UnsuccessfulDelivery;
import io.smsgw.smpp.codec.ReplaceSm;
import io.smsgw.smpp.codec.SmppPdu;
import io.smsgw.smpp.codec.SmppRequest;
import io.smsgw.smpp.codec.SmppStatus;
import io.smsgw.smpp.codec.SubmitMulti;
import io.smsgw.smpp.codec.SubmitSm;
import io.smsgw.smpp.codec.TlvTag;
import io.smsgw.smpp.codec.Tlvs;
import org.apache.activemq.artemis.core.io.IOCallback;
import org.apache.activemq.artemis.core.message.impl.CoreMessage;
import org.apache.activemq.artemis.core.persistence.OperationContext;
import org.apache.activemq.artemis.core.persistence.StorageManager;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import io.smsgw.core.runtime.GatewayRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * submit_sm, data_sm and submit_multi: validate, turn into durable MT messages, and answer from the
 * storage completion callback, so ESME_ROK is only ever sent for messages that are in the journal.
 * Runs on the event loop; the send itself never waits for the disk. Each request handed here is answered
 * exactly once, through {@link SmppSession#answer}, which counts it off the connection's pending requests.
 */
final class SmppSubmitHandler {

   private static final Logger logger = LoggerFactory.getLogger(SmppSubmitHandler.class);

   /**
    * The longest address a submit_sm can carry onward (21 octets with the NUL, SMPP 3.4 5.2.8). data_sm allows more,
    * but a longer one could reach no SMSC and would only come back later as a REJECTD report, so it is refused now.
    */
   static final int MAX_ADDRESS_LENGTH = 20;

   /**
    * The longest dl_name (21 octets with the NUL, SMPP 3.4 5.2.27). The gateway echoes each distribution list in
    * submit_multi_resp's unsuccess list, whose dest_addr holds no more.
    */
   static final int MAX_DL_NAME_LENGTH = 20;

   /**
    * esm_class bits 5-2, the message type. A submit may only be a plain message here: the SMSC links send every MT as
    * one (only UDHI goes on), so an ESME delivery or user acknowledgement (0x08, 0x10, which SMPP 3.4 5.2.12 lets an
    * ESME submit) would reach the handset as ordinary text, and the types of SMSC-to-ESME PDUs (a receipt 0x04, an
    * intermediate notification 0x20, ...) are no submit at all. The messaging mode (bits 1-0) and reply path (0x80) are
    * taken and not passed on: the gateway stores and forwards whatever mode is asked (Kannel asks 0x03 by default).
    */
   static final int ESM_MESSAGE_TYPE = 0x3C;

   /**
    * The longest service_type (6 octets with the NUL, SMPP 3.4 5.2.11). The decoder takes longer ones, but no SMSC link
    * could send one on: it came back later as a REJECTD report, so it is refused at submit.
    */
   static final int MAX_SERVICE_TYPE_LENGTH = 5;

   /**
    * The answer to a submit the broker's storage cannot take now (disk over max-disk-usage, sms.mt's memory full under
    * BLOCK, FAIL or DROP; decision 131): "message queue full" is what it is, ESMEs retry it as they retry throttling
    * (the links here do too), and it is not ESME_RTHROTTLED, which tells the ESME its own account's rate was passed.
    */
   static final int STATUS_STORAGE_FULL = SmppStatus.ESME_RMSGQFUL;

   /** Vendor-specific status (0x400 range): the account's daily quota is used up until midnight. */
   static final int STATUS_DAILY_QUOTA_EXHAUSTED = 0x400;

   /**
    * The gateway has no canned messages: a submit_sm, submit_multi or replace_sm whose sm_default_msg_id names one
    * (1-254, SMPP 3.4 5.2.25) is refused with ESME_RINVDFTMSGID before anything is stored; taken, it went out as an
    * empty SMS, billed. Only 0 ("not used") is taken.
    */
   static final int NO_CANNED_MESSAGE = 0;

   private final SmppSession session;
   private final DurableSender sender;
   private final StorageManager storage;
   private final GatewayRuntime context;
   private final Account account;
   private final MtMessageFactory factory;
   /** The account's submit counts of the acceptors' meters (AcceptorMeters). */
   private final AcceptorMeters.Account counts;
   /** The broker's INFO lines about throttled accounts. */
   private final ThrottlingLog throttling;
   private final ActiveMQServer server;

   SmppSubmitHandler(SmppSession session, ActiveMQServer server, ServerSession serverSession,
                     OperationContext operationContext, GatewayRuntime context) {
      this.session = session;
      this.storage = server.getStorageManager();
      this.sender = new DurableSender(server, serverSession, operationContext);
      this.context = context;
      this.account = session.account();
      SmsEncoding alphabet = session.defaultAlphabet();
      this.factory = new MtMessageFactory(session.manager().getSmppSubmitAddress(), account.id(), session.isVersion34(), alphabet);
      this.counts = AcceptorMeters.account(server, SmppProtocolManagerFactory.PROTOCOL_NAME, account.id(), session.manager().getSmppAccountQueuePrefix());
      this.throttling = ThrottlingLog.of(server);
      this.server = server;
   }

   /**
    * Every answer of this handler goes through here: each request it handles was counted as pending by the session,
    * and only {@link SmppSession#answer} counts it down (a missed count-down would stop the connection reading for
    * good once enough of them pile up).
    */
   private void reply(SmppPdu pdu) {
      int status = pdu.commandStatus();
      if (status == SmppStatus.ESME_ROK) {
         counts.submitAnswered(true);
      } else {
         // Each of these statuses has one cause here: ESME_RTHROTTLED only for the rate, ESME_RMSGQFUL only for storage.
         counts.submitRefused(status == SmppStatus.ESME_RTHROTTLED ? AcceptorMeters.Refusal.THROTTLED
                                 : status == STATUS_DAILY_QUOTA_EXHAUSTED ? AcceptorMeters.Refusal.QUOTA
                                 : status == STATUS_STORAGE_FULL ? AcceptorMeters.Refusal.STORAGE : AcceptorMeters.Refusal.OTHER);
      }
      session.answer(pdu);
   }

   void onSubmitSm(SubmitSm s) {
      onSubmitSm(s, null);
   }

   /**
    * What a submit_sm with replace_if_present_flag 1 tells the held messages it replaces (HeldMessages.submitReplacing):
    * whether it was stored, just before it is answered, once.
    */
   interface Replacing {
      void ended(boolean stored);
   }

   /** {@code replacing}: null for a submit that replaces nothing. */
   void onSubmitSm(SubmitSm s, Replacing replacing) {
      IntFunction<SmppPdu> error = replacing == null ? s::errorResponse : status -> {
         replacing.ended(false);
         return s.errorResponse(status);
      };
      java.util.function.Function<String, SmppPdu> success = id -> {
         if (replacing != null) {
            replacing.ended(true);
         }
         return s.response(SmppStatus.ESME_ROK, id);
      };
      if (s.smDefaultMsgId() != NO_CANNED_MESSAGE) {
         reply(error.apply(SmppStatus.ESME_RINVDFTMSGID));
         return;
      }
      byte[] userData = s.shortMessage();
      if (userData.length == 0 && s.tlvs().contains(TlvTag.MESSAGE_PAYLOAD)) {
         userData = s.tlvs().getBytes(TlvTag.MESSAGE_PAYLOAD);
      } else if (userData.length > 0 && s.tlvs().contains(TlvTag.MESSAGE_PAYLOAD)) {
         reply(error.apply(session.statusFor(SmppStatus.ESME_RINVPARLEN))); // both carriers set: ambiguous
         return;
      }
      int refusal = headerRefusal(s.serviceType(), s.esmClass(), s.priorityFlag());
      if (refusal != SmppStatus.ESME_ROK) {
         reply(error.apply(refusal));
         return;
      }
      if (s.replaceIfPresentFlag() > 1) {
         reply(error.apply(SmppStatus.ESME_RINVREPFLAG)); // 0 or 1 (decision 109)
         return;
      }
      long now = System.currentTimeMillis();
      long schedule = SmppTime.toEpochMillis(s.scheduleDeliveryTime(), now);
      long validity = SmppTime.toEpochMillis(s.validityPeriod(), now);
      if (schedule == SmppTime.INVALID) {
         reply(error.apply(SmppStatus.ESME_RINVSCHED));
         return;
      }
      if (validity == SmppTime.INVALID || expiresUnsent(schedule, validity, now)) {
         reply(error.apply(SmppStatus.ESME_RINVEXPIRY));
         return;
      }
      MtMessageFactory.Submission submission = new MtMessageFactory.Submission(s.serviceType(), s.sourceAddr(),
         s.destinationAddr(), s.esmClass(), s.protocolId(), s.priorityFlag(), schedule, validity,
         s.registeredDelivery(), s.dataCoding(), userData, s.tlvs());
      accept(List.of(submission), now, error, success);
   }

   void onDataSm(DataSm d) {
      int refusal = headerRefusal(d.serviceType(), d.esmClass(), 0); // data_sm has no priority_flag
      if (refusal != SmppStatus.ESME_ROK) {
         reply(d.errorResponse(refusal));
         return;
      }
      byte[] userData = d.tlvs().contains(TlvTag.MESSAGE_PAYLOAD) ? d.tlvs().getBytes(TlvTag.MESSAGE_PAYLOAD) : new byte[0];
      long now = System.currentTimeMillis();
      long validity = 0;
      if (d.tlvs().contains(TlvTag.QOS_TIME_TO_LIVE)) {
         byte[] ttl = d.tlvs().getBytes(TlvTag.QOS_TIME_TO_LIVE);
         if (ttl.length == 4) {
            long seconds = ((ttl[0] & 0xFFL) << 24) | ((ttl[1] & 0xFF) << 16) | ((ttl[2] & 0xFF) << 8) | (ttl[3] & 0xFF);
            validity = now + seconds * 1000;
         }
      }
      MtMessageFactory.Submission submission = new MtMessageFactory.Submission(d.serviceType(), d.sourceAddr(),
         d.destinationAddr(), d.esmClass(), 0, 0, 0, validity, d.registeredDelivery(), d.dataCoding(), userData, d.tlvs());
      accept(List.of(submission), now, d::errorResponse, id -> d.response(SmppStatus.ESME_ROK, id));
   }

   void onSubmitMulti(SubmitMulti m) {
      if (m.smDefaultMsgId() != NO_CANNED_MESSAGE) {
         reply(m.errorResponse(SmppStatus.ESME_RINVDFTMSGID));
         return;
      }
      int refusal = headerRefusal(m.serviceType(), m.esmClass(), m.priorityFlag());
      if (refusal != SmppStatus.ESME_ROK) {
         reply(m.errorResponse(refusal));
         return;
      }
      if (m.destinations().isEmpty() || m.destinations().size() > SubmitMulti.MAX_DESTINATIONS) {
         reply(m.errorResponse(SmppStatus.ESME_RINVNUMDESTS));
         return;
      }
      // A destination the gateway cannot serve is reported in the unsuccess list and the others are stored; every
      // entry of that list must be encodable (destination_addr C21), so one that is not refuses the whole submit.
      List<Address> smeDestinations = new ArrayList<>(m.destinations().size());
      List<UnsuccessfulDelivery> refused = new ArrayList<>();
      for (DestinationAddress destination : m.destinations()) {
         if (destination instanceof DestinationAddress.Sme sme) {
            Address address = sme.address();
            if (address.address().length() > MAX_ADDRESS_LENGTH) {
               // Not echoable, and a shortened echo could name another of its destinations.
               reply(m.errorResponse(SmppStatus.ESME_RINVDSTADR));
               return;
            }
            if (address.address().isEmpty()) {
               refused.add(new UnsuccessfulDelivery(address, SmppStatus.ESME_RINVDSTADR));
            } else {
               smeDestinations.add(address);
            }
         } else if (destination instanceof DestinationAddress.DistributionList list) {
            if (list.dlName().length() > MAX_DL_NAME_LENGTH) {
               reply(m.errorResponse(SmppStatus.ESME_RINVDLNAME)); // not echoable either (decision 110)
               return;
            }
            // The gateway serves no distribution lists: ESME_RCNTSUBDL (SMPP 3.4 5.1.3), not a bad name.
            refused.add(new UnsuccessfulDelivery(new Address((byte) 0, (byte) 0, list.dlName()), SmppStatus.ESME_RCNTSUBDL));
         }
      }
      if (smeDestinations.isEmpty()) {
         // Nothing to store, so no message_id to give: refused whole, for the reason of its first destination.
         reply(m.errorResponse(refused.get(0).errorStatusCode()));
         return;
      }
      byte[] userData = m.shortMessage();
      if (userData.length == 0 && m.tlvs().contains(TlvTag.MESSAGE_PAYLOAD)) {
         userData = m.tlvs().getBytes(TlvTag.MESSAGE_PAYLOAD);
      } else if (userData.length > 0 && m.tlvs().contains(TlvTag.MESSAGE_PAYLOAD)) {
         reply(m.errorResponse(session.statusFor(SmppStatus.ESME_RINVPARLEN))); // both carriers set: ambiguous, as for submit_sm
         return;
      }
      long now = System.currentTimeMillis();
      long schedule = SmppTime.toEpochMillis(m.scheduleDeliveryTime(), now);
      long validity = SmppTime.toEpochMillis(m.validityPeriod(), now);
      if (schedule == SmppTime.INVALID || validity == SmppTime.INVALID || expiresUnsent(schedule, validity, now)) {
         reply(m.errorResponse(schedule == SmppTime.INVALID ? SmppStatus.ESME_RINVSCHED : SmppStatus.ESME_RINVEXPIRY));
         return;
      }
      List<MtMessageFactory.Submission> submissions = new ArrayList<>(smeDestinations.size());
      for (Address destination : smeDestinations) {
         submissions.add(new MtMessageFactory.Submission(m.serviceType(), m.sourceAddr(), destination, m.esmClass(),
            m.protocolId(), m.priorityFlag(), schedule, validity, m.registeredDelivery(), m.dataCoding(), userData, m.tlvs()));
      }
      accept(submissions, now, m::errorResponse, id -> m.response(SmppStatus.ESME_ROK, id, refused));
   }

   /**
    * The highest priority_flag of the session's version: 3 in SMPP 3.4 (5.2.14), 1 in 3.3. A higher one reached the SMSC
    * link clamped to that, not as the ESME asked, so it is refused.
    */
   /**
    * The refusal of a submit's header fields the gateway cannot carry (decision 112): a service_type over 5 characters,
    * an esm_class message type an ESME must not submit, a priority_flag above the version's maximum; ESME_ROK if none.
    */
   private int headerRefusal(String serviceType, int esmClass, int priorityFlag) {
      if (serviceType.length() > MAX_SERVICE_TYPE_LENGTH) {
         return SmppStatus.ESME_RINVSERTYP;
      }
      if ((esmClass & ESM_MESSAGE_TYPE) != 0) {
         return SmppStatus.ESME_RINVESMCLASS;
      }
      if (priorityFlag > maxPriority()) {
         return SmppStatus.ESME_RINVPRTFLG;
      }
      return SmppStatus.ESME_ROK;
   }

   private int maxPriority() {
      return session.isVersion34() ? 3 : 1;
   }

   /**
    * A validity_period already past, or not after the schedule_delivery_time: the message could only expire before it is
    * sent, so it is refused with ESME_RINVEXPIRY instead of being taken (ESME_ROK) and reported EXPIRED later.
    */
   static boolean expiresUnsent(long schedule, long validity, long now) {
      return validity != SmppTime.NONE && (validity <= now || schedule != SmppTime.NONE && validity <= schedule);
   }

   /**
    * Checks the account's rules, creates one message per submission (all sharing the id the ESME gets),
    * sends them (in one transaction when there are several) and answers once they are durable. The account's rate
    * and daily quota count SMS parts: every part to every destination, taken all or none (a submit_multi to 254
    * destinations of a 10-part text is 2,540 SMS upstream, not one submit).
    */
   private void accept(List<MtMessageFactory.Submission> submissions, long now, IntFunction<SmppPdu> error,
                       java.util.function.Function<String, SmppPdu> success) {
      for (MtMessageFactory.Submission s : submissions) {
         if (s.destination().address().isEmpty() || s.destination().address().length() > MAX_ADDRESS_LENGTH) {
            reply(error.apply(SmppStatus.ESME_RINVDSTADR));
            return;
         }
      }
      MtMessageFactory.Submission first = submissions.get(0);
      Address source = first.source();
      if (source.address().length() > MAX_ADDRESS_LENGTH || !account.allowsSource(source.address())) {
         reply(error.apply(SmppStatus.ESME_RINVSRCADR));
         return;
      }
      // Every destination of a submit_multi gets the same content: read (and decoded) once.
      MtMessageFactory.Content content;
      try {
         content = factory.read(first);
      } catch (MtMessageFactory.RejectedSubmission e) {
         reply(error.apply(session.statusFor(e.status))); // inconsistent SAR TLVs are a TLV status, which 3.3 lacks
         return;
      }
      if (SubmitLimits.tooManyParts(account, content.parts())) {
         reply(error.apply(SmppStatus.ESME_RINVMSGLEN));
         return;
      }
      int parts = content.parts() * submissions.size();
      RateLimiter limiter = context.submitLimiter(account);
      if (!limiter.tryAcquire(parts)) {
         throttling.throttled(SmppProtocolManagerFactory.PROTOCOL_NAME, account.id(), limiter.permitsPerSecond());
         reply(error.apply(SmppStatus.ESME_RTHROTTLED));
         return;
      }
      String smsId = context.nextSmppMessageId(session.isVersion34());
      List<CoreMessage> messages = new ArrayList<>(submissions.size());
      try {
         for (MtMessageFactory.Submission s : submissions) {
            messages.add(factory.create(storage.generateID(), smsId, s, content, now));
         }
      } catch (RuntimeException e) {
         logger.warn("Submit from '{}' could not be turned into a message", account.id(), e);
         refuseTaken(limiter, parts, 0, error.apply(SmppStatus.ESME_RSUBMITFAIL));
         return;
      }
      // Taken last, once the submit is known to be acceptable, and given back if it is not stored: a refused
      // submit must not use up the day's quota.
      if (!context.quotas().tryConsume(account, parts)) {
         refuseTaken(limiter, parts, 0, error.apply(STATUS_DAILY_QUOTA_EXHAUSTED));
         return;
      }
      try {
         DurableSender.Result result = sender.send(messages, new IOCallback() {
            @Override
            public void done() {
               reply(success.apply(smsId));
            }

            @Override
            public void onError(int errorCode, String errorMessage) {
               logger.warn("Journal error {} for a submit from '{}': {}", errorCode, account.id(), errorMessage);
               refuseTaken(limiter, parts, parts, error.apply(SmppStatus.ESME_RSYSERR));
            }
         });
         if (result == DurableSender.Result.NOT_ROUTED) {
            logger.warn("Submit from '{}' refused: no queue is bound to {}", account.id(), session.manager().getSmppSubmitAddress());
            refuseTaken(limiter, parts, parts, error.apply(SmppStatus.ESME_RSUBMITFAIL));
         }
      } catch (DurableSender.StorageFull full) {
         refuseFull(full, limiter, parts, error);
      } catch (Exception e) {
         logger.warn("Submit from '{}' failed in the broker", account.id(), e);
         refuseTaken(limiter, parts, parts, error.apply(SmppStatus.ESME_RSUBMITFAIL));
      }
   }

   /**
    * The storage cannot take the submit: a transient answer, nothing kept, and the connection's further submits held
    * back until the store frees memory (decision 140), so they wait instead of being refused one by one
    * (and with address-full-policy BLOCK the broker's limit holds). The connection stays open.
    */
   private void refuseFull(DurableSender.StorageFull full, RateLimiter limiter, int parts, IntFunction<SmppPdu> error) {
      StorageOverload.Cause cause = full.storageCause();
      counts.storageFull(cause);
      StorageOverload.refused(server, SmppProtocolManagerFactory.PROTOCOL_NAME, account.id(), cause, full.address());
      session.waitForStorage(sender, full);
      refuseTaken(limiter, parts, parts, error.apply(STATUS_STORAGE_FULL));
   }

   /**
    * A storing request (submit_sm, data_sm, submit_multi, replace_sm) the connection did not keep while the storage is
    * full, because as many wait already (PduChannelHandler): answered ESME_RMSGQFUL at once and counted as a refusal of
    * the store, as one refused by the store itself; it took no rate or quota. Counted as taken by the session.
    */
   void refuseForStorage(SmppRequest request, DurableSender.StorageFull full) {
      StorageOverload.Cause cause = full.storageCause();
      if (request instanceof ReplaceSm) {
         // As HeldMessages refuses a replace_sm the store cannot take.
         StorageOverload.refused(server, "SMPP replace_sm", account.id(), cause, full.address());
         session.answer(request.errorResponse(STATUS_STORAGE_FULL));
         return;
      }
      counts.storageFull(cause);
      StorageOverload.refused(server, SmppProtocolManagerFactory.PROTOCOL_NAME, account.id(), cause, full.address());
      reply(request.errorResponse(STATUS_STORAGE_FULL));
   }

   /**
    * Refuses a submit that already took {@code permits} of its rate (and {@code quota} of the day's quota): both are
    * given back, since a refused submit must not use up what the ESME may send.
    */
   private void refuseTaken(RateLimiter limiter, int permits, int quota, SmppPdu answer) {
      limiter.release(permits);
      if (quota > 0) {
         context.quotas().release(account, quota);
      }
      reply(answer);
   }

   /** Runs the task (on a broker thread) once every submit received so far is durable and answered. */
   void afterPendingWrites(Runnable task) {
      sender.afterPendingWrites(task);
   }
}
