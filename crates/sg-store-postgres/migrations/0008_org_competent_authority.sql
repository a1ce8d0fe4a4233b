-- The competent authority an organisation of decision makers belongs to: its decision makers
-- see the cases routed to that authority, and no others.
ALTER TABLE organisations ADD COLUMN competent_authority TEXT;
