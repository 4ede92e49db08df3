package io.smsgw.correlation;

import java.util.Objects;

/**
 * What the gateway must remember about an MT between the SMSC's submit_sm_resp and its delivery
 * receipt: the correlation group and SMSC message id it is found by, and everything the status report and the
 * billing record need.
 *
 * <p>Strings are bounded ({@link #MAX_ID_LENGTH} for the two key fields, {@link #MAX_FIELD_LENGTH}
 * for the others) so a stored record stays small; the constructor rejects anything else with
 * {@link IllegalArgumentException} or {@link NullPointerException}.
 *
 * @param linkId             the SMSC link the MT went out on (its reports name it)
 * @param smscMessageId      the id the SMSC gave in submit_sm_resp
 * @param smsId              the gateway's id, as the SP/ESME was given it
 * @param account            the account that submitted the MT
 * @param originGateway      the peer gateway the MT came from (CMPP_FWD), or {@code null}
 * @param source             sender address
 * @param destination        recipient address
 * @param serviceId          CMPP Service_Id / SMPP service_type, or {@code null}
 * @param feeUserType        CMPP Fee_UserType (0..255)
 * @param feeType            CMPP FeeType, or {@code null}
 * @param feeCode            CMPP FeeCode, or {@code null}
 * @param feeTerminal        CMPP Fee_terminal_Id, or {@code null}
 * @param submitTimeMillis   when the gateway accepted the MT
 * @param expiresAtMillis    end of the MT's validity; the record is dropped after this plus the store's grace
 * @param segmentRef         concatenation reference (0..65535; 0 for a single-part message)
 * @param segmentTotal       number of parts (0..255)
 * @param segmentNumber      this part's number (0..255)
 * @param registeredDelivery the receipt request as submitted (0..255)
 * @param protocol           the protocol the MT was submitted with
 * @param protocolVersion    that protocol's version, e.g. {@code "3.4"} or {@code "3.0"}
 * @param gatewaySplit       whether this part is one of several the gateway cut the MT into (its submitter got one id
 *                           for the whole message and gets one report for it), not a segment its submitter sent
 * @param correlationId      the MT's JMS correlation id (an application's), which its reports carry again, or {@code null}
 * @param serviceType        whether {@code serviceId} came as the MT's SMPP service_type ({@code smsServiceType}) rather
 *                           than its CMPP Service_Id ({@code smsServiceId}): its reports give it back as that property
 * @param sourceTon          the sender's type of number as the MT carried it (0..255), or {@link #ABSENT}
 * @param sourceNpi          the sender's numbering plan (0..255), or {@link #ABSENT}
 * @param destinationTon     the recipient's type of number (0..255), or {@link #ABSENT}
 * @param destinationNpi     the recipient's numbering plan (0..255), or {@link #ABSENT}
 * @param correlationGroup   with {@code smscMessageId}, the key: the namespace of the SMSC account the MT went out on,
 *                           which the links bound to that account share (a receipt arrives on any of their binds);
 *                           {@code null} means {@code linkId}, as records stored before groups are keyed (and FWD links'
 *                           records)
 * @param smsParts           how many SMS the part is on the air when the link sent a long text whole in one
 *                           {@code message_payload} (0..65535); 0 for every other part (one SMS each)
 */
public record CorrelationRecord(
      String linkId,
      String smscMessageId,
      String smsId,
      String account,
      String originGateway,
      String source,
      String destination,
      String serviceId,
      int feeUserType,
      String feeType,
      String feeCode,
      String feeTerminal,
      long submitTimeMillis,
      long expiresAtMillis,
      int segmentRef,
      int segmentTotal,
      int segmentNumber,
      int registeredDelivery,
      SmsProtocol protocol,
      String protocolVersion,
      boolean gatewaySplit,
      String correlationId,
      boolean serviceType,
      int sourceTon,
      int sourceNpi,
      int destinationTon,
      int destinationNpi,
      String correlationGroup,
      int smsParts) {

   /** Longest {@code linkId} or {@code smscMessageId}, in chars. */
   public static final int MAX_ID_LENGTH = 255;
   /** Longest value of any other string field, in chars. */
   public static final int MAX_FIELD_LENGTH = 1024;
   /** A TON or NPI the MT did not carry (its reports carry none either). */
   public static final int ABSENT = -1;

   /** A record of an MT the gateway did not split (a whole message, or a segment its submitter sent). */
   public CorrelationRecord(String linkId, String smscMessageId, String smsId, String account, String originGateway,
                            String source, String destination, String serviceId, int feeUserType, String feeType,
                            String feeCode, String feeTerminal, long submitTimeMillis, long expiresAtMillis, int segmentRef,
                            int segmentTotal, int segmentNumber, int registeredDelivery, SmsProtocol protocol,
                            String protocolVersion) {
      this(linkId, smscMessageId, smsId, account, originGateway, source, destination, serviceId, feeUserType, feeType,
           feeCode, feeTerminal, submitTimeMillis, expiresAtMillis, segmentRef, segmentTotal, segmentNumber,
           registeredDelivery, protocol, protocolVersion, false);
   }

   /** A record without a correlation id, a service_type or TON/NPI (as records were before they kept them). */
   public CorrelationRecord(String linkId, String smscMessageId, String smsId, String account, String originGateway,
                            String source, String destination, String serviceId, int feeUserType, String feeType,
                            String feeCode, String feeTerminal, long submitTimeMillis, long expiresAtMillis, int segmentRef,
                            int segmentTotal, int segmentNumber, int registeredDelivery, SmsProtocol protocol,
                            String protocolVersion, boolean gatewaySplit) {
      this(linkId, smscMessageId, smsId, account, originGateway, source, destination, serviceId, feeUserType, feeType,
           feeCode, feeTerminal, submitTimeMillis, expiresAtMillis, segmentRef, segmentTotal, segmentNumber,
           registeredDelivery, protocol, protocolVersion, gatewaySplit, null, false, ABSENT, ABSENT, ABSENT, ABSENT);
   }

   /** A record keyed under its link's own name, of a part that is one SMS (all but a text a link sent whole in one
    * {@code message_payload}). */
   public CorrelationRecord(String linkId, String smscMessageId, String smsId, String account, String originGateway,
                            String source, String destination, String serviceId, int feeUserType, String feeType,
                            String feeCode, String feeTerminal, long submitTimeMillis, long expiresAtMillis, int segmentRef,
                            int segmentTotal, int segmentNumber, int registeredDelivery, SmsProtocol protocol,
                            String protocolVersion, boolean gatewaySplit, String correlationId, boolean serviceType,
                            int sourceTon, int sourceNpi, int destinationTon, int destinationNpi) {
      this(linkId, smscMessageId, smsId, account, originGateway, source, destination, serviceId, feeUserType, feeType,
           feeCode, feeTerminal, submitTimeMillis, expiresAtMillis, segmentRef, segmentTotal, segmentNumber,
           registeredDelivery, protocol, protocolVersion, gatewaySplit, correlationId, serviceType, sourceTon, sourceNpi,
           destinationTon, destinationNpi, null, 0);
   }

   /** A record of a part that is one SMS, keyed under {@code correlationGroup} (null: the link's own name). */
   public CorrelationRecord(String linkId, String smscMessageId, String smsId, String account, String originGateway,
                            String source, String destination, String serviceId, int feeUserType, String feeType,
                            String feeCode, String feeTerminal, long submitTimeMillis, long expiresAtMillis, int segmentRef,
                            int segmentTotal, int segmentNumber, int registeredDelivery, SmsProtocol protocol,
                            String protocolVersion, boolean gatewaySplit, String correlationId, boolean serviceType,
                            int sourceTon, int sourceNpi, int destinationTon, int destinationNpi, String correlationGroup) {
      this(linkId, smscMessageId, smsId, account, originGateway, source, destination, serviceId, feeUserType, feeType,
           feeCode, feeTerminal, submitTimeMillis, expiresAtMillis, segmentRef, segmentTotal, segmentNumber,
           registeredDelivery, protocol, protocolVersion, gatewaySplit, correlationId, serviceType, sourceTon, sourceNpi,
           destinationTon, destinationNpi, correlationGroup, 0);
   }

   /** A record keyed under its link's own name, of a part that is {@code smsParts} SMS on the air. */
   public CorrelationRecord(String linkId, String smscMessageId, String smsId, String account, String originGateway,
                            String source, String destination, String serviceId, int feeUserType, String feeType,
                            String feeCode, String feeTerminal, long submitTimeMillis, long expiresAtMillis, int segmentRef,
                            int segmentTotal, int segmentNumber, int registeredDelivery, SmsProtocol protocol,
                            String protocolVersion, boolean gatewaySplit, String correlationId, boolean serviceType,
                            int sourceTon, int sourceNpi, int destinationTon, int destinationNpi, int smsParts) {
      this(linkId, smscMessageId, smsId, account, originGateway, source, destination, serviceId, feeUserType, feeType,
           feeCode, feeTerminal, submitTimeMillis, expiresAtMillis, segmentRef, segmentTotal, segmentNumber,
           registeredDelivery, protocol, protocolVersion, gatewaySplit, correlationId, serviceType, sourceTon, sourceNpi,
           destinationTon, destinationNpi, null, smsParts);
   }

   public CorrelationRecord {
      requireId(linkId, "linkId");
      if (correlationGroup == null) {
         correlationGroup = linkId;
      }
      requireId(correlationGroup, "correlationGroup");
      requireId(smscMessageId, "smscMessageId");
      requireField(smsId, "smsId", false);
      requireField(account, "account", false);
      requireField(originGateway, "originGateway", true);
      requireField(source, "source", false);
      requireField(destination, "destination", false);
      requireField(serviceId, "serviceId", true);
      requireField(feeType, "feeType", true);
      requireField(feeCode, "feeCode", true);
      requireField(feeTerminal, "feeTerminal", true);
      requireField(protocolVersion, "protocolVersion", false);
      Objects.requireNonNull(protocol, "protocol");
      requireRange(feeUserType, 255, "feeUserType");
      requireRange(segmentRef, 65535, "segmentRef");
      requireRange(segmentTotal, 255, "segmentTotal");
      requireRange(segmentNumber, 255, "segmentNumber");
      requireRange(registeredDelivery, 255, "registeredDelivery");
      requireField(correlationId, "correlationId", true);
      requireTonOrNpi(sourceTon, "sourceTon");
      requireTonOrNpi(sourceNpi, "sourceNpi");
      requireTonOrNpi(destinationTon, "destinationTon");
      requireTonOrNpi(destinationNpi, "destinationNpi");
      requireRange(smsParts, 65535, "smsParts");
   }

   private static void requireTonOrNpi(int value, String name) {
      if (value != ABSENT) {
         requireRange(value, 255, name);
      }
   }

   static void requireId(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isEmpty() || value.length() > MAX_ID_LENGTH) {
         throw new IllegalArgumentException(name + " must have 1.." + MAX_ID_LENGTH + " chars, has " + value.length());
      }
   }

   private static void requireField(String value, String name, boolean nullable) {
      if (value == null) {
         if (!nullable) {
            throw new NullPointerException(name);
         }
      } else if (value.length() > MAX_FIELD_LENGTH) {
         throw new IllegalArgumentException(name + " is longer than " + MAX_FIELD_LENGTH + " chars");
      }
   }

   private static void requireRange(int value, int max, String name) {
      if (value < 0 || value > max) {
         throw new IllegalArgumentException(name + " must be 0.." + max + ", is " + value);
      }
   }
}
