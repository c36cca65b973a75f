import { Column, Entity, PrimaryColumn } from 'typeorm';
import { PurposeKey } from './enums';

/** A purpose a subject may consent to. Seeded by migration. */
@Entity('purposes')
export class Purpose {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  key!: PurposeKey;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ type: 'varchar', length: 1000 })
  description!: string;
}
