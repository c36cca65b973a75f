import type { Relation } from 'typeorm';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Subject } from './subject.entity';


/** What the server logs record automatically about a visit. The subject link is optional. */
@Entity('collection_events')
@Index('idx_collection_events_subject_time', ['subjectId', 'occurredAt'])
@Index('idx_collection_events_time', ['occurredAt'])
export class CollectionEvent {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ name: 'subject_id', type: 'int', unsigned: true, nullable: true })
  subjectId!: number | null;

  @ManyToOne(() => Subject, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_collection_events_subject_id' })
  subject?: Relation<Subject> | null;

  @Column({ name: 'ip_address', type: 'varchar', length: 45, nullable: true })
  ipAddress!: string | null;

  @Column({ type: 'double', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double', nullable: true })
  longitude!: number | null;

  /** Accuracy radius of the geolocation in metres; under 500 m counts as precise. */
  @Column({ name: 'geo_accuracy_m', type: 'int', unsigned: true, nullable: true })
  geoAccuracyM!: number | null;

  @Column({ type: 'varchar', length: 6, nullable: true })
  region!: string | null;

  @Column({ name: 'device_id', type: 'varchar', length: 128, nullable: true })
  deviceId!: string | null;

  @Column({ name: 'cookie_id', type: 'varchar', length: 128, nullable: true })
  cookieId!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  page!: string | null;

  @Column({ type: 'boolean', default: false })
  dnt!: boolean;

  @Column({ type: 'boolean', default: false })
  gpc!: boolean;

  /** True once the event has been generalized and unlinked from its subject. */
  @Column({ name: 'de_identified', type: 'boolean', default: false })
  deIdentified!: boolean;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt!: Date;
}
