CREATE TABLE "model_packages" (
	"name" text NOT NULL,
	"version" text NOT NULL,
	"sha256" text NOT NULL,
	"onnx_file" text NOT NULL,
	"twin" "bytea" NOT NULL,
	"model" "bytea" NOT NULL,
	"uploaded_by" text,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_packages_pk" PRIMARY KEY("name","version")
);
