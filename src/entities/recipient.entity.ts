import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { DisclosurePurpose, RecipientKind } from './enums';

/** Someone outside the company that receives personal information (or aggregates of it). */
@Entity('recipients')
@Index('idx_recipients_kind', ['kind', 'id'])
export class Recipient {
  @PrimaryGeneratedColumn({ type: 'int', unsigned: true })
  id!: number;

  @Column({ type: 'enum', enum: RecipientKind })
  kind!: RecipientKind;

  @Index('uq_recipients_name', { unique: true })
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'postal_address', type: 'varchar', length: 500, nullable: true })
  postalAddress!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  /** Examples of what it markets, for recipients whose name does not make their business clear. */
  @Column({ name: 'business_description', type: 'varchar', length: 1000, nullable: true })
  businessDescription!: string | null;

  @Column({ name: 'allowed_purposes', type: 'simple-array' })
  allowedPurposes!: DisclosurePurpose[];

  @Column({ name: 'contract_reference', type: 'varchar', length: 200, nullable: true })
  contractReference!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3, default: () => 'CURRENT_TIMESTAMP(3)', onUpdate: 'CURRENT_TIMESTAMP(3)' })
  updatedAt!: Date;
}
