import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { OutboxChannel, OutboxStatus } from '../../entities/outbox-message.entity';

registerEnumType(OutboxChannel, {
  name: 'MessageChannel',
  description: 'How a message reaches its addressee.',
  valuesConfig: { EMAIL: { description: 'By email.' }, POST: { description: 'As a printed letter (the print queue).' } },
});
registerEnumType(OutboxStatus, {
  name: 'MessageStatus',
  description: 'Where a message is in its delivery.',
  valuesConfig: {
    PENDING: { description: 'Waiting to be sent (or to be retried after a failure).' },
    SENDING: { description: 'Being handed to the mail server or the print queue.' },
    SENT: { description: 'Delivered to the mail server or the print queue.' },
    FAILED: { description: 'Given up on after its last attempt.' },
    CANCELLED: { description: 'Not sent: its addressee was erased before delivery.' },
  },
});

/** A letter or notice a rights request sent, as the outbox holds it (never its address). */
@ObjectType('RequestMessage', { description: 'A letter, email or notice a rights request caused, to the person or to a recipient, as its addressee received it; its address is never shown (it is erased once the message is delivered).' })
export class RequestMessageType {
  @Field(() => ID, { description: 'The message\'s id in the outbox.' })
  id!: number;

  @Field({ description: 'What the message is, e.g. ERASURE_CONFIRMATION, ERASURE_BLOCKED, ERASURE_NOTICE (to a recipient), CALIFORNIA_NOTICE, DEADLINE_EXTENDED.' })
  kind!: string;

  @Field(() => OutboxChannel, { description: 'Email or printed letter.' })
  channel!: OutboxChannel;

  @Field(() => OutboxStatus, { description: 'Where the message is in its delivery.' })
  status!: OutboxStatus;

  @Field(() => ID, { nullable: true, description: 'The recipient (a company the data was disclosed to) it was sent to; null when it went to the person.' })
  recipientId!: number | null;

  @Field({ description: 'The subject line, as sent.' })
  subject!: string;

  @Field({ description: 'The plain-text body, as the addressee read it; empty when withheld or cleared.' })
  text!: string;

  @Field({ description: 'True when the body is never shown here, delivered or not: it names the person to a recipient (an erasure or correction notice) or carries a one-time link or corrected values (an access package, a correction answer).' })
  withheld!: boolean;

  @Field({ description: 'True when the body was cleared: the message was cancelled (its addressee erased before delivery), or delivered and then scrubbed.' })
  cleared!: boolean;

  @Field(() => Date, { description: 'When the message was written (with the change that caused it).' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When it was delivered; null until then.' })
  sentAt!: Date | null;
}
