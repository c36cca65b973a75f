import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A fideslang data category key, with the Shine-the-Light category it maps to (if any). */
@Entity('data_categories')
export class DataCategory {
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key!: string;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  @Column({ name: 'shine_the_light_category', type: 'varchar', length: 200, nullable: true })
  shineTheLightCategory!: string | null;
}
