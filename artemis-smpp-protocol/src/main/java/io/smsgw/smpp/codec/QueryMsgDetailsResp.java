package io.smsgw.smpp.codec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * query_msg_details_resp (SMPP 3.3 only), in wire order: service_type C6, source address
 * (ton, npi, addr C21), number_of_dests 1 + destinations (dest_flag 1 = SME address, 2 =
 * distribution list, as in submit_multi), protocol_id 1, priority_flag 1,
 * schedule_delivery_time C17, validity_period C17, registered_delivery 1, data_coding 1,
 * sm_length 1 + short_message, message_id C9, final_date C17, message_status 1, error_code 1.
 * The short_message array is owned by the record; equality compares its content.
 */
public record QueryMsgDetailsResp(int sequenceNumber, int commandStatus, String serviceType, Address sourceAddr,
                                  List<DestinationAddress> destinations, int protocolId, int priorityFlag,
                                  String scheduleDeliveryTime, String validityPeriod, int registeredDelivery,
                                  int dataCoding, byte[] shortMessage, String messageId, String finalDate,
                                  int messageStatus, int errorCode) implements SmppResponse {

    public QueryMsgDetailsResp {
        serviceType = Fields.str(serviceType);
        sourceAddr = Fields.address(sourceAddr);
        destinations = Fields.list(destinations);
        scheduleDeliveryTime = Fields.str(scheduleDeliveryTime);
        validityPeriod = Fields.str(validityPeriod);
        shortMessage = Fields.bytes(shortMessage);
        messageId = Fields.str(messageId);
        finalDate = Fields.str(finalDate);
    }

    @Override
    public int commandId() {
        return SmppCommandId.QUERY_MSG_DETAILS_RESP;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryMsgDetailsResp other
                && sequenceNumber == other.sequenceNumber
                && commandStatus == other.commandStatus
                && serviceType.equals(other.serviceType)
                && sourceAddr.equals(other.sourceAddr)
                && destinations.equals(other.destinations)
                && protocolId == other.protocolId
                && priorityFlag == other.priorityFlag
                && scheduleDeliveryTime.equals(other.scheduleDeliveryTime)
                && validityPeriod.equals(other.validityPeriod)
                && registeredDelivery == other.registeredDelivery
                && dataCoding == other.dataCoding
                && Arrays.equals(shortMessage, other.shortMessage)
                && messageId.equals(other.messageId)
                && finalDate.equals(other.finalDate)
                && messageStatus == other.messageStatus
                && errorCode == other.errorCode;
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(sequenceNumber, commandStatus, serviceType, sourceAddr, destinations, protocolId,
                priorityFlag, scheduleDeliveryTime, validityPeriod, registeredDelivery, dataCoding, messageId,
                finalDate, messageStatus, errorCode) + Arrays.hashCode(shortMessage);
    }

    @Override
    public String toString() {
        return "QueryMsgDetailsResp[sequenceNumber=" + sequenceNumber + ", commandStatus=" + commandStatus
                + ", serviceType=" + serviceType + ", sourceAddr=" + sourceAddr + ", destinations=" + destinations
                + ", protocolId=" + protocolId + ", priorityFlag=" + priorityFlag + ", scheduleDeliveryTime="
                + scheduleDeliveryTime + ", validityPeriod=" + validityPeriod + ", registeredDelivery="
                + registeredDelivery + ", dataCoding=" + dataCoding + ", shortMessage=" + Hex.of(shortMessage)
                + ", messageId=" + messageId + ", finalDate=" + finalDate + ", messageStatus=" + messageStatus
                + ", errorCode=" + errorCode + "]";
    }
}
